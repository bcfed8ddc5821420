import { describe, expect, it } from 'vitest';
import { goVersionFromDirective, nodeVersionForRange, nodeVersionFromFile, pythonVersionForRange, pythonVersionFromText } from '../../../electron/engine/scan/runtime-version';

describe('runtime versions', () => {
  it.each([
    ['>=18', 'lts'],
    ['>= 18.17.0', 'lts'],
    ['^20.11', '20'],
    ['~18.19.0', '18'],
    ['20.x', '20'],
    ['18 || 20', '20'],
    ['>=18 <21', '20'],
    ['>=18 <22', '20'],
    ['>=18 <23', '22'],
    ['^21', '21'],
    ['18.0.0 - 20.99.0', '20'],
    ['>=30', '30'],
    ['*', 'lts'],
  ])('engines.node %s → %s', (range, version) => {
    expect(nodeVersionForRange(range)).toBe(version);
  });

  it('unreadable or impossible node ranges give null', () => {
    expect(nodeVersionForRange('the newest one')).toBeNull();
    expect(nodeVersionForRange('>=20 <18')).toBeNull();
  });

  it.each([
    ['v20.11.1\n', '20'],
    ['18', '18'],
    ['lts/iron', '20'],
    ['lts/*', 'lts'],
    ['node', 'lts'],
    ['', null],
  ])('.nvmrc %j → %s', (text, version) => {
    expect(nodeVersionFromFile(text)).toBe(version);
  });

  it.each([
    ['>=3.9', '3.13'],
    ['>=3.10,<3.13', '3.12'],
    ['~=3.11', '3.13'],
    ['~=3.11.2', '3.11'],
    ['==3.10.*', '3.10'],
    ['>=3.14', '3.14'],
    ['>=3.9, !=3.13.*, <3.14', '3.12'],
    ['>=3.9, !=3.13.1', '3.13'],
  ])('requires-python %s → %s', (range, version) => {
    expect(pythonVersionForRange(range)).toBe(version);
  });

  it('python version files and go directives', () => {
    expect(pythonVersionFromText('3.11.4\n')).toBe('3.11');
    expect(pythonVersionFromText('python-3.12.1')).toBe('3.12');
    expect(pythonVersionFromText('pypy3.10')).toBeNull();
    expect(goVersionFromDirective('1.22.3')).toBe('1.22');
    expect(goVersionFromDirective('1.21rc1')).toBe('1.21');
  });
});
