// The gateway package's own test helpers, its OTLP/HTTP receiver and its HAR
// 1.2 validator, so the CLI's tests check with the same ones rather than
// copies. They sit outside this package's rootDir, so they are loaded by URL
// and typed here by what these tests use of them.

export interface ReceivedSpanView {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiverView {
  /** Base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  spans: ReceivedSpanView[];
  requests: Array<{ path: string; contentType: string }>;
  mode: 'ok' | 'refuse' | 'hang';
  close(): Promise<void>;
}

const helper = (file: string): string => new URL(`../../../gateway/src/test-support/${file}`, import.meta.url).href;

export async function startOtlpReceiver(): Promise<OtlpReceiverView> {
  const module = (await import(/* @vite-ignore */ helper('otlp-receiver.ts'))) as { startOtlpReceiver(): Promise<OtlpReceiverView> };
  return module.startOtlpReceiver();
}

export async function harProblems(har: unknown): Promise<string[]> {
  const module = (await import(/* @vite-ignore */ helper('har-validator.ts'))) as { harProblems(har: unknown): string[] };
  return module.harProblems(har);
}
