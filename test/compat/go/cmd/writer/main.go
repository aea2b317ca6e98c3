// Command writer produces keyed messages with a segmentio/kafka-go Writer, used by the sluice
// compatibility suites. Messages are "KEY-PREFIX<i % keys>" / "VALUE-PREFIX<i>" for i in
// [start, start+count), partitioned by murmur2 of the key (as the Java client does), written
// synchronously with acks=all. With --create N it first creates the topic with N partitions
// through kafka-go's admin client and waits until the metadata shows them.
//
// Usage:
//
//	writer --brokers 127.0.0.1:19092 --topic t --count 30 [--start 0] [--keys 6]
//	       [--key-prefix k] [--value-prefix v] [--create 3]
//
// It prints {"type":"created","partitions":N} after --create and {"type":"written","count":N} at the end.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
)

func emit(event map[string]any) {
	line, _ := json.Marshal(event)
	os.Stdout.Write(append(line, '\n'))
}

func fail(format string, args ...any) {
	emit(map[string]any{"type": "error", "message": fmt.Sprintf(format, args...)})
	os.Exit(1)
}

func createTopic(ctx context.Context, client *kafka.Client, topic string, partitions int) {
	res, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{
		Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}},
	})
	if err != nil {
		fail("create topic %s: %v", topic, err)
	}
	if err := res.Errors[topic]; err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
		fail("create topic %s: %v", topic, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
		if err == nil && len(meta.Topics) == 1 && meta.Topics[0].Error == nil && len(meta.Topics[0].Partitions) == partitions {
			emit(map[string]any{"type": "created", "partitions": len(meta.Topics[0].Partitions)})
			return
		}
		if time.Now().After(deadline) {
			fail("topic %s: metadata did not show %d partitions within 20s (last error: %v)", topic, partitions, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func main() {
	brokers := flag.String("brokers", "", "comma-separated bootstrap addresses (host:port)")
	topic := flag.String("topic", "", "topic to write")
	count := flag.Int("count", 10, "number of messages")
	start := flag.Int("start", 0, "index of the first message")
	keys := flag.Int("keys", 0, "number of distinct keys (0 = one key per message)")
	keyPrefix := flag.String("key-prefix", "k", "key prefix")
	valuePrefix := flag.String("value-prefix", "v", "value prefix")
	create := flag.Int("create", 0, "create the topic with this many partitions first (0 = do not)")
	flag.Parse()
	if *brokers == "" || *topic == "" {
		fmt.Fprintln(os.Stderr, "writer: --brokers and --topic are required")
		os.Exit(2)
	}
	addrs := strings.Split(*brokers, ",")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if *create > 0 {
		client := &kafka.Client{Addr: kafka.TCP(addrs...), Timeout: 20 * time.Second}
		createTopic(ctx, client, *topic, *create)
	}

	w := &kafka.Writer{
		Addr:         kafka.TCP(addrs...),
		Topic:        *topic,
		Balancer:     &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		BatchSize:    100,
		BatchTimeout: 5 * time.Millisecond,
		MaxAttempts:  10,
		Transport:    &kafka.Transport{Dial: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
	}
	msgs := make([]kafka.Message, 0, *count)
	for i := *start; i < *start+*count; i++ {
		k := i
		if *keys > 0 {
			k = i % *keys
		}
		msgs = append(msgs, kafka.Message{
			Key:   []byte(fmt.Sprintf("%s%d", *keyPrefix, k)),
			Value: []byte(fmt.Sprintf("%s%d", *valuePrefix, i)),
		})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		fail("write %d messages to %s: %v", len(msgs), *topic, err)
	}
	if err := w.Close(); err != nil {
		fail("close writer: %v", err)
	}
	emit(map[string]any{"type": "written", "count": len(msgs)})
}
