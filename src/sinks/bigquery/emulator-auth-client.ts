import { OAuth2Client } from 'google-auth-library';

/**
 * Credentials for a BigQuery emulator: an OAuth2 client holding a placeholder access token that
 * never expires. The `@google-cloud/bigquery` client looks for Google credentials even when
 * `apiEndpoint` points at an emulator (and fails on a machine without them); given this as
 * `authClient`, it sends the placeholder instead, which the emulator ignores. Never use it with
 * BigQuery itself: BigQuery refuses the token.
 *
 * @example
 * ```ts
 * import { BigQuery } from '@google-cloud/bigquery';
 * const bq = new BigQuery({ projectId: 'demo', apiEndpoint: 'http://127.0.0.1:9050', authClient: emulatorAuthClient() });
 * const [rows] = await bq.query('SELECT COUNT(*) AS n FROM clickstream.click_events');
 * ```
 */
export function emulatorAuthClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'sluice-emulator', expiry_date: Number.MAX_SAFE_INTEGER });
  return client;
}
