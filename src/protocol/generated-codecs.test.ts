import { describe, it, expect } from 'vitest';
import { Reader } from './primitives/reader.ts';
import { Writer } from './primitives/writer.ts';
import { encodeRequestHeader, decodeRequestHeader } from './generated/request-header.ts';
import { encodeApiVersionsRequest, decodeApiVersionsRequest, encodeApiVersionsResponse, decodeApiVersionsResponse } from './generated/api-versions.ts';
import { encodeMetadataResponse, decodeMetadataResponse, type MetadataResponse } from './generated/metadata.ts';
import { encodeFetchRequest, decodeFetchRequest, encodeFetchResponse, decodeFetchResponse, type FetchResponse } from './generated/fetch.ts';
import { encodeCreateTopicsRequest, decodeCreateTopicsRequest, type CreateTopicsRequest } from './generated/create-topics.ts';
import { API_CODECS } from './generated/index.ts';
import { requestHeaderVersion, responseHeaderVersion } from './header-versions.ts';

const bytes = (...parts: (number[] | string)[]): number[] =>
  parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p));

function encode(f: (w: Writer) => void): number[] {
  const w = new Writer(8);
  f(w);
  return [...w.view()];
}

describe('generated codecs: golden bytes', () => {
  it('encodes an ApiVersions v0 request with header v1', () => {
    const out = encode((w) => {
      encodeRequestHeader(w, 1, { requestApiKey: 18, requestApiVersion: 0, correlationId: 1, clientId: 'test' });
      encodeApiVersionsRequest(w, 0, {});
    });
    expect(out).toEqual(bytes([0, 18, 0, 0, 0, 0, 0, 1, 0, 4], 'test'));
  });

  it('encodes an ApiVersions v3 request with header v2: non-compact client id, compact body, tagged fields', () => {
    const out = encode((w) => {
      encodeRequestHeader(w, 2, { requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'test' });
      encodeApiVersionsRequest(w, 3, { clientSoftwareName: 'sluice', clientSoftwareVersion: '1.0' });
    });
    expect(out).toEqual(bytes([0, 18, 0, 3, 0, 0, 0, 7, 0, 4], 'test', [0], [7], 'sluice', [4], '1.0', [0]));
    const r = new Reader(Buffer.from(out));
    expect(decodeRequestHeader(r, 2)).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'test' });
    expect(decodeApiVersionsRequest(r, 3)).toEqual({ clientSoftwareName: 'sluice', clientSoftwareVersion: '1.0' });
    expect(r.remaining).toBe(0);
  });

  it('encodes a null client id as INT16 -1', () => {
    expect(encode((w) => encodeRequestHeader(w, 1, { requestApiKey: 3, requestApiVersion: 1, correlationId: 2, clientId: null })))
      .toEqual([0, 3, 0, 1, 0, 0, 0, 2, 0xff, 0xff]);
  });

  it('encodes an ApiVersions v3 response with a tagged field and skips unknown tags on decode', () => {
    const out = encode((w) => encodeApiVersionsResponse(w, 3, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0, zkMigrationReady: true }));
    expect(out).toEqual([0, 0, 2, 0, 18, 0, 0, 0, 4, 0, 0, 0, 0, 0, 1, 3, 1, 1]);
    const withUnknown = Buffer.from([0, 0, 1, 0, 0, 0, 0, 2, 9, 2, 0xaa, 0xbb, 1, 8, 0, 0, 0, 0, 0, 0, 0, 5]);
    const decoded = decodeApiVersionsResponse(new Reader(withUnknown), 3);
    expect(decoded.apiKeys).toEqual([]);
    expect(decoded.finalizedFeaturesEpoch).toBe(5n);
  });

  it('encodes a Metadata v1 response as the spec lays it out', () => {
    const res: MetadataResponse = {
      brokers: [{ nodeId: 0, host: 'h', port: 9092, rack: null }],
      controllerId: 0,
      topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, replicaNodes: [0], isrNodes: [0] }] }],
    };
    const out = encode((w) => encodeMetadataResponse(w, 1, res));
    expect(out).toEqual(bytes(
      [0, 0, 0, 1], [0, 0, 0, 0], [0, 1], 'h', [0, 0, 0x23, 0x84], [0xff, 0xff], // brokers
      [0, 0, 0, 0], // controller id
      [0, 0, 0, 1], [0, 0], [0, 1], 't', [0], // topic: error, name, is_internal
      [0, 0, 0, 1], [0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0],
    ));
    const back = decodeMetadataResponse(new Reader(Buffer.from(out)), 1);
    expect(back.brokers).toEqual(res.brokers);
    expect(back.topics[0].partitions[0].replicaNodes).toEqual([0]);
    expect(back.clusterId).toBeNull();
  });

  it('chooses header versions from flexibility, ApiVersions responses always v0', () => {
    expect(requestHeaderVersion(18, 3)).toBe(2);
    expect(requestHeaderVersion(1, 11)).toBe(1);
    expect(requestHeaderVersion(1, 12)).toBe(2);
    expect(responseHeaderVersion(18, 3)).toBe(0);
    expect(responseHeaderVersion(3, 9)).toBe(1);
    expect(responseHeaderVersion(3, 8)).toBe(0);
  });
});

describe('generated codecs: round trips', () => {
  it('round-trips Fetch requests and responses across old and flexible versions', () => {
    for (const v of [4, 7, 11, 12, 13, 16]) {
      const req = {
        replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52428800, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: v < 13 ? 'jokes' : '', topicId: new Uint8Array(16).fill(v >= 13 ? 7 : 0), partitions: [{ partition: 2, currentLeaderEpoch: -1, fetchOffset: 42n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
        forgottenTopicsData: [], rackId: '',
      };
      const w = new Writer();
      encodeFetchRequest(w, v, req);
      const back = decodeFetchRequest(new Reader(w.toBuffer()), v);
      expect(back.topics[0].partitions[0].fetchOffset).toBe(42n);
      expect(back.topics[0].topic).toBe(v < 13 ? 'jokes' : '');
      expect(back.maxWaitMs).toBe(500);
      const res: FetchResponse = {
        throttleTimeMs: 0, errorCode: 0, sessionId: 0,
        responses: [{ topic: 'jokes', topicId: new Uint8Array(16), partitions: [{ partitionIndex: 2, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.from([1, 2, 3]) }] }],
      };
      const rw = new Writer();
      encodeFetchResponse(rw, v, res);
      const r = new Reader(rw.toBuffer());
      const rb = decodeFetchResponse(r, v);
      expect(r.remaining).toBe(0);
      expect([...rb.responses[0].partitions[0].records!]).toEqual([1, 2, 3]);
      expect(rb.responses[0].partitions[0].highWatermark).toBe(10n);
    }
  });

  it('round-trips CreateTopics with configs and nullable values in v4 and flexible v5', () => {
    const req: CreateTopicsRequest = {
      topics: [{ name: 'a', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }, { name: 'x', value: null }] }],
      timeoutMs: 1000, validateOnly: true,
    };
    for (const v of [4, 5]) {
      const w = new Writer();
      encodeCreateTopicsRequest(w, v, req);
      expect(decodeCreateTopicsRequest(new Reader(w.toBuffer()), v)).toEqual(req);
    }
  });

  it('registers every API with codecs and valid versions', () => {
    expect(API_CODECS.size).toBeGreaterThan(70);
    expect(API_CODECS.get(0)?.name).toBe('Produce');
    expect(API_CODECS.get(18)?.flexibleMin).toBe(3);
    expect(API_CODECS.get(1)?.validVersions).toEqual({ min: 0, max: 17 });
    for (const codec of API_CODECS.values()) {
      expect(codec.validVersions.min).toBeLessThanOrEqual(codec.validVersions.max);
      expect(typeof codec.decodeRequest).toBe('function');
      expect(typeof codec.encodeResponse).toBe('function');
    }
  });
});
