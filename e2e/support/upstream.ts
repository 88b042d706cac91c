// The UI tests' upstream is the gateway tests' SDK server (tools echo,
// progress, fail, big, ...), named for the UI and with progress slowed so the
// notifications can be watched arriving.
import { startUpstream as startTestUpstream, type TestUpstream } from '../../packages/gateway/src/test-support/upstream.js';

export type Upstream = TestUpstream;

export function startUpstream(): Promise<Upstream> {
  return startTestUpstream({ name: 'ui-test-upstream', version: '2.1.0', progressStepMs: 20 });
}
