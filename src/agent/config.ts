// Model configuration of the agent, parsed once at the entry point from the environment:
// OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible Chat Completions server) and
// ATTAIN_MODEL. Nothing else in src/agent reads the environment.
import OpenAI from 'openai';
import { z } from 'zod';

/** Used when talking to api.openai.com and ATTAIN_MODEL is not set. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini';

export interface ModelConfig {
  apiKey: string;
  /** Undefined means api.openai.com. */
  baseURL: string | undefined;
  model: string;
}

export type ModelConfigResult = { ok: true; config: ModelConfig } | { ok: false; message: string };

const EnvSchema = z.object({
  OPENAI_API_KEY: z.string().trim().optional(),
  OPENAI_BASE_URL: z.string().trim().url('OPENAI_BASE_URL must be a URL such as http://localhost:11434/v1').optional(),
  ATTAIN_MODEL: z.string().trim().optional(),
});

export const HOW_TO_CONFIGURE = [
  'No language model is configured. attain talks to any OpenAI-compatible Chat Completions endpoint:',
  '',
  '  OpenAI:             export OPENAI_API_KEY=sk-...            (optional: ATTAIN_MODEL, default ' + DEFAULT_OPENAI_MODEL + ')',
  '  Local (Ollama):     export OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_API_KEY=ollama ATTAIN_MODEL=llama3.1',
  '  Other servers:      vLLM, LM Studio, Azure or a gateway work the same way: OPENAI_BASE_URL + OPENAI_API_KEY + ATTAIN_MODEL',
  '',
  'The model must support tool (function) calling.',
].join('\n');

export function modelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ModelConfigResult {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const parsed = EnvSchema.safeParse({
    OPENAI_API_KEY: blank(env.OPENAI_API_KEY),
    OPENAI_BASE_URL: blank(env.OPENAI_BASE_URL),
    ATTAIN_MODEL: blank(env.ATTAIN_MODEL),
  });
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('\n') };
  const { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseURL, ATTAIN_MODEL: model } = parsed.data;
  if (!apiKey && !baseURL) return { ok: false, message: HOW_TO_CONFIGURE };
  if (baseURL && !model) {
    return { ok: false, message: `OPENAI_BASE_URL is set (${baseURL}) but ATTAIN_MODEL is not: name the model that server should run, e.g. ATTAIN_MODEL=llama3.1.` };
  }
  // Local servers usually ignore the key, but the SDK insists on a non-empty one.
  return { ok: true, config: { apiKey: apiKey ?? 'not-needed', baseURL, model: model ?? DEFAULT_OPENAI_MODEL } };
}

export function createModelClient(config: ModelConfig, options: { maxRetries?: number; timeoutMs?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, maxRetries: options.maxRetries ?? 2, timeout: options.timeoutMs ?? 120_000 });
}
