import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCapacity, formatFrequency, formatSize, parseFrequency, parseSize } from './units.ts';

test('formatted sizes and frequencies read back as the same numbers', () => {
  const sizes: Array<[number, string]> = [[1500, '1500B'], [1, '1B'], [65536, '64KiB'], [64000, '64KB'], [16 * 1024 ** 3, '16GiB'], [1e9, '1GB'], [3 * 1024 ** 4, '3TiB']];
  for (const [bytes, text] of sizes) {
    assert.equal(formatSize(bytes), text);
    assert.equal(parseSize(text), bytes);
  }
  const freqs: Array<[number, string]> = [[3e9, '3GHz'], [2.4e9, '2.4GHz'], [800e6, '800MHz'], [32768, '32.768kHz'], [50, '50Hz']];
  for (const [hz, text] of freqs) {
    assert.equal(formatFrequency(hz), text);
    assert.equal(parseFrequency(text), hz);
  }
  assert.equal(formatCapacity({ unit: 'packets', size: 100 }), '100packets');
  assert.equal(formatCapacity({ unit: 'bytes', size: 512 * 1024 }), '512KiB');
});
