import type { ChannelFactory } from '../bridge/channel.js';
import { StdioChild, type StdioCommand } from './child.js';

export function stdioChannel(command: StdioCommand): ChannelFactory {
  return (events) => ({
    channel: new StdioChild(command, {
      onLine: events.onLine,
      onStderr: events.onStderr,
      onExit: ({ code, signal }) => events.onExit(signal ? `was killed by ${signal}` : `exited with code ${String(code)}`),
    }),
    description: [command.command, ...command.args].join(' '),
    stream: 'stdio',
  });
}
