/**
 * Entry of a text pool worker thread (piscina loads it and calls the default export once per
 * task). The tokenizer and everything else a task needs load once per thread, on first use.
 */
import { runTextTask, type TextTaskMessage } from "./text-tasks.ts";

export default function runTask(message: TextTaskMessage): unknown {
  return runTextTask(message);
}
