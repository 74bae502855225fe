// `attain slack` as a user runs it: the real process on a demo database, HTTP mode on
// loopback, Slack's Web API served by the local fake (SLACK_API_URL), no model configured.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../db/seed/demo.ts';
import { NO_MODEL_TEXT } from '../../src/slack/listeners/conversation.ts';
import { openStore } from '../../src/store/sqlite-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { SIGNING_SECRET, dm, sign } from './harness.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'attain.js');

let dir: string;
let slack: FakeSlackApi;
let child: ChildProcess;
let url: string;
let stderr = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'attain-slack-'));
  const db = join(dir, 'attain.db');
  const store = openStore(db);
  seedDemo(store);
  store.close();
  slack = await startFakeSlackApi();
  const env: NodeJS.ProcessEnv = { ...process.env, SLACK_BOT_TOKEN: 'xoxb-cli-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
  for (const k of ['SLACK_APP_TOKEN', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ATTAIN_MODEL', 'PORT']) delete env[k];
  child = spawn(process.execPath, [BIN, 'slack', '--db', db, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`attain slack did not start:\n${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /listening on http:\/\/0\.0\.0\.0:(\d+)\/slack\/events/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}/slack/events`);
      }
    });
    child.on('exit', (code) => reject(new Error(`attain slack exited ${code}:\n${stderr}`)));
  });
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signedPost(body: string, type: string): Promise<Response> {
  const ts = Math.floor(Date.now() / 1000);
  return fetch(url, { method: 'POST', headers: { 'content-type': type, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) }, body });
}

describe('attain slack (the process)', () => {
  it('checks the token at startup, then answers /attain with no model configured', async () => {
    expect(slack.callsOf('auth.test').length).toBeGreaterThan(0);
    const body = new URLSearchParams({ team_id: 'T0DEMO', user_id: 'U03REPANA1', command: '/attain', text: 'me', response_url: slack.responseUrl, trigger_id: '1' }).toString();
    const res = await signedPost(body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    const json = (await res.json()) as { text: string; response_type: string };
    expect(json.response_type).toBe('ephemeral');
    expect(json.text).toContain('Ana Lopez');
  });

  it('tells a DM that conversations need a model', async () => {
    const body = JSON.stringify({ team_id: 'T0DEMO', type: 'event_callback', event_id: 'EvCLI1', event_time: 1, event: dm('U03REPANA1', 'hi') });
    expect((await signedPost(body, 'application/json')).status).toBe(200);
    await slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage'));
    expect(slack.callsOf('chat.postMessage')[0]!.args.text).toBe(NO_MODEL_TEXT);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 15_000);
});
