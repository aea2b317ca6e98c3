// Kafka transactions with the Apache Kafka 3.9 Java client: commit, abort, zombie fencing, and a
// consume-transform-produce loop with sendOffsetsToTransaction(offsets, consumer.groupMetadata())
// (TxnOffsetCommit v3+, KIP-447), read back by read_committed and read_uncommitted consumers.
// Used by test/compat/java-transactions.compat.test.ts; run as a single-file program with the
// Kafka jars on the class path:
//
//   scripts/kafka/kafka.sh tool test/compat/java/Transactions.java \
//     --brokers 127.0.0.1:19092 --topic t --output t-out --group g --txn-id tx
//
// Prints one JSON object on stdout: {"readCommitted": [...], "readUncommitted": [...],
// "zombieError": "ProducerFencedException", "transformed": [...], "groupOffsets": {...}, "endOffsets": {...}}.
// Any failure ends the program with an exception and a non-zero exit.
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Transactions {
  static String brokers;
  static final long DEADLINE = System.currentTimeMillis() + 100_000;

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    brokers = args.get("brokers");
    String topic = args.get("topic"), output = args.get("output"), group = args.get("group"), txnId = args.get("txn-id");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1), new NewTopic(output, 2, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> producer = producer(txnId)) {
      producer.initTransactions();
      transaction(producer, topic, "first", 10, true);
      transaction(producer, topic, "aborted", 5, false);
      transaction(producer, topic, "second", 10, true);
    }
    String zombieError = zombie(topic, txnId + "-zombie");
    List<String> readCommitted = readAll(topic, "read_committed");
    List<String> readUncommitted = readAll(topic, "read_uncommitted");
    Map<String, Object> ctp = consumeTransformProduce(topic, output, group, txnId + "-ctp", readCommitted.size());
    Map<String, Object> summary = new TreeMap<>();
    summary.put("readCommitted", readCommitted);
    summary.put("readUncommitted", readUncommitted);
    summary.put("zombieError", zombieError);
    summary.putAll(ctp);
    System.out.println(json(summary));
  }

  static KafkaProducer<String, String> producer(String transactionalId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    p.put("transactional.id", transactionalId);
    p.put("transaction.timeout.ms", "60000");
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static KafkaConsumer<String, String> consumer(String groupId, String isolation) {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    if (groupId != null) p.put("group.id", groupId);
    p.put("isolation.level", isolation);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  static void transaction(KafkaProducer<String, String> producer, String topic, String prefix, int n, boolean commit) throws Exception {
    producer.beginTransaction();
    for (int i = 0; i < n; i++) producer.send(new ProducerRecord<>(topic, "k" + i, prefix + "-" + i));
    if (commit) producer.commitTransaction();
    else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  /** A producer whose transactional.id a newer producer takes over: its commit must fail. */
  static String zombie(String topic, String transactionalId) throws Exception {
    KafkaProducer<String, String> zombie = producer(transactionalId);
    zombie.initTransactions();
    zombie.beginTransaction();
    zombie.send(new ProducerRecord<>(topic, "z", "zombie")).get();
    try (KafkaProducer<String, String> fresh = producer(transactionalId)) {
      fresh.initTransactions();
      String error = "none";
      try {
        zombie.commitTransaction();
      } catch (KafkaException e) {
        error = e.getClass().getSimpleName();
      }
      zombie.close(Duration.ofSeconds(5));
      fresh.beginTransaction();
      fresh.send(new ProducerRecord<>(topic, "f", "fresh"));
      fresh.commitTransaction();
      return error;
    }
  }

  /** Reads both partitions from the start until the position reaches the end offset (the last stable offset for read_committed). */
  static List<String> readAll(String topic, String isolation) {
    try (KafkaConsumer<String, String> consumer = consumer(null, isolation)) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      List<String> values = new ArrayList<>();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.currentTimeMillis() > DEADLINE) throw new IllegalStateException("read " + isolation + ": end not reached in time");
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
      }
      return values;
    }
  }

  static Map<String, Object> consumeTransformProduce(String topic, String output, String group, String transactionalId, int expected) {
    List<String> transformed = new ArrayList<>();
    Map<String, Object> result = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer = consumer(group, "read_committed");
         KafkaProducer<String, String> producer = producer(transactionalId)) {
      producer.initTransactions();
      consumer.subscribe(List.of(topic));
      while (transformed.size() < expected) {
        if (System.currentTimeMillis() > DEADLINE) throw new IllegalStateException("transformed only " + transformed.size() + " of " + expected);
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) continue;
        producer.beginTransaction();
        for (ConsumerRecord<String, String> r : records) {
          String value = r.value().toUpperCase();
          producer.send(new ProducerRecord<>(output, r.key(), value));
          transformed.add(value);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
      }
      Set<TopicPartition> parts = Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      result.put("transformed", transformed);
      result.put("groupOffsets", parts.stream().collect(Collectors.toMap(tp -> String.valueOf(tp.partition()), tp -> committed.get(tp) == null ? -1L : committed.get(tp).offset())));
      result.put("endOffsets", parts.stream().collect(Collectors.toMap(tp -> String.valueOf(tp.partition()), ends::get)));
    }
    return result;
  }

  static String json(Object value) {
    if (value instanceof String s) return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    if (value instanceof Number || value instanceof Boolean) return String.valueOf(value);
    if (value instanceof List<?> list) return list.stream().map(Transactions::json).collect(Collectors.joining(",", "[", "]"));
    if (value instanceof Map<?, ?> map) {
      return new TreeMap<>(map).entrySet().stream().map(e -> json(String.valueOf(e.getKey())) + ":" + json(e.getValue())).collect(Collectors.joining(",", "{", "}"));
    }
    return "null";
  }
}
