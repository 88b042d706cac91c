/**
 * An upstream the gateway talks to message by message rather than by
 * forwarding HTTP: a stdio process, or a legacy HTTP+SSE server. The bridge
 * exposes it to clients as Streamable HTTP.
 */
export interface UpstreamChannel {
  /** Resolves once messages can be sent; rejects with a message naming the cause. */
  start(): Promise<void>;
  send(message: unknown): void;
  close(): Promise<void>;
  /** The process id, for stdio. */
  readonly pid: number | null;
}

export interface ChannelEvents {
  /** One message's text as the upstream sent it (the bridge parses it; stray text is recorded as invalid). */
  onLine(line: string): void;
  /** Diagnostic text: stderr of a process, or an error of the upstream connection. */
  onStderr(line: string): void;
  /** The upstream went away by itself: "exited with code 1", "closed the event stream". */
  onExit(how: string): void;
}

export interface OpenedChannel {
  channel: UpstreamChannel;
  /** What the recording shows as the channel's path: the command line, or the SSE URL. */
  description: string;
  /** How the recording shows the channel's messages. */
  stream: 'stdio' | 'legacy-sse';
}

export type ChannelFactory = (events: ChannelEvents) => OpenedChannel;
