// Child process for the concurrent-writers test: adds `count` servers named `<prefix>-<i>`.
import { putServer } from '../registry/registry.js';

const [file, prefix, count] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  await putServer(file ?? '', `${prefix}-${i}`, { url: `http://127.0.0.1:1/${i}` }, { replace: false });
}
