// The agent adapter's schema conversion: registry tools → Chat Completions strict function
// tools. Arguments are re-validated by `runTool` anyway, because local OpenAI-compatible
// servers may ignore `strict`.
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { zodFunction } from 'openai/helpers/zod';
import type { AnyTool } from '../tools/define-tool.ts';

/** One strict function tool per registry tool, in registry order. */
export function toOpenAITools(tools: readonly AnyTool[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => {
    const fn = zodFunction({ name: tool.name, description: tool.description, parameters: tool.input });
    // Plain data only: drop the helper's parser callbacks so the request body is just the schema.
    return { type: 'function', function: { name: fn.function.name, description: tool.description, parameters: fn.function.parameters, strict: true } };
  });
}
