// Command rebalance-reader is a segmentio/kafka-go Reader in a consumer group, used by the sluice
// compatibility suites. It prints one JSON line per event on stdout:
//
//	{"type":"assignment","partitions":[0,2],"offsets":{"0":5,"2":0}}   after every (re)balance
//	{"type":"message","partition":0,"offset":5,"key":"k","value":"v"}  per message (committed before the next read)
//	{"type":"done","count":N,"reason":"max-messages|timeout|signal"}    once, before exiting 0
//	{"type":"error","message":"..."}                                    then exit 1
//
// Usage:
//
//	rebalance-reader --brokers 127.0.0.1:19092 --topic t --group g [--max-messages N] [--timeout 30s]
//
// SIGTERM or SIGINT closes the reader, which leaves the group so that the others rebalance at once.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/segmentio/kafka-go"
)

var stdoutMu sync.Mutex

func emit(event map[string]any) {
	line, err := json.Marshal(event)
	if err != nil {
		line = []byte(fmt.Sprintf(`{"type":"error","message":%q}`, err.Error()))
	}
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

// assignmentLogger turns the Reader's "subscribed to topics and partitions" log line into an
// assignment event. The map it logs is keyed by an unexported struct {topic string; partition int32},
// which reflection reads without needing the type.
func assignmentLogger(topic string, verbose bool) kafka.LoggerFunc {
	return func(format string, args ...any) {
		if verbose {
			fmt.Fprintf(os.Stderr, "kafka-go: "+format+"\n", args...)
		}
		if !strings.HasPrefix(format, "subscribed to topics and partitions") || len(args) != 1 {
			return
		}
		m := reflect.ValueOf(args[0])
		if m.Kind() != reflect.Map {
			return
		}
		partitions := []int{}
		offsets := map[string]int64{}
		iter := m.MapRange()
		for iter.Next() {
			key := iter.Key()
			if key.Kind() != reflect.Struct || key.NumField() != 2 {
				continue
			}
			if key.Field(0).String() != topic {
				continue
			}
			p := int(key.Field(1).Int())
			partitions = append(partitions, p)
			offsets[strconv.Itoa(p)] = iter.Value().Int()
		}
		sort.Ints(partitions)
		emit(map[string]any{"type": "assignment", "partitions": partitions, "offsets": offsets})
	}
}

func main() {
	brokers := flag.String("brokers", "", "comma-separated bootstrap addresses (host:port)")
	topic := flag.String("topic", "", "topic to read")
	group := flag.String("group", "", "consumer group id")
	maxMessages := flag.Int("max-messages", 0, "exit after this many messages (0 = until timeout or signal)")
	timeout := flag.Duration("timeout", 60*time.Second, "exit after this long even if fewer messages arrived")
	verbose := flag.Bool("verbose", false, "copy kafka-go's log to stderr")
	flag.Parse()
	if *brokers == "" || *topic == "" || *group == "" {
		fmt.Fprintln(os.Stderr, "rebalance-reader: --brokers, --topic and --group are required")
		os.Exit(2)
	}

	reader := kafka.NewReader(kafka.ReaderConfig{
		Brokers:           strings.Split(*brokers, ","),
		Topic:             *topic,
		GroupID:           *group,
		StartOffset:       kafka.FirstOffset,
		MinBytes:          1,
		MaxBytes:          1 << 20,
		MaxWait:           250 * time.Millisecond,
		HeartbeatInterval: time.Second,
		SessionTimeout:    10 * time.Second,
		RebalanceTimeout:  10 * time.Second,
		JoinGroupBackoff:  500 * time.Millisecond,
		ReadBackoffMin:    50 * time.Millisecond,
		ReadBackoffMax:    250 * time.Millisecond,
		Logger:            assignmentLogger(*topic, *verbose),
		ErrorLogger: kafka.LoggerFunc(func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "kafka-go error: "+format+"\n", args...)
		}),
	})

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	reason := "timeout"
	var reasonMu sync.Mutex
	go func() {
		<-signals
		reasonMu.Lock()
		reason = "signal"
		reasonMu.Unlock()
		cancel()
	}()

	count := 0
	var failure error
	for *maxMessages == 0 || count < *maxMessages {
		msg, err := reader.ReadMessage(ctx)
		if err != nil {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				failure = err
			}
			break
		}
		count++
		emit(map[string]any{
			"type": "message", "partition": msg.Partition, "offset": msg.Offset,
			"key": string(msg.Key), "value": string(msg.Value),
		})
	}
	cancel()
	if *maxMessages > 0 && count >= *maxMessages {
		reasonMu.Lock()
		reason = "max-messages"
		reasonMu.Unlock()
	}
	if err := reader.Close(); err != nil && failure == nil {
		failure = err
	}
	if failure != nil {
		emit(map[string]any{"type": "error", "message": failure.Error()})
		os.Exit(1)
	}
	reasonMu.Lock()
	emit(map[string]any{"type": "done", "count": count, "reason": reason})
	reasonMu.Unlock()
}
