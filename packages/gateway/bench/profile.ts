// tsx bench/profile.ts <file.cpuprofile> [top]: self time by module and by function.
import { renderProfile, summarizeProfile } from './lib/profile.js';

const [file, top] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/profile.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
process.stdout.write(renderProfile(summarizeProfile(file, Number(top ?? 30))) + '\n');
