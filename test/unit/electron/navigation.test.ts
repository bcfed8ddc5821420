import { describe, expect, it, vi } from 'vitest';
import { handleWillNavigate, handleWindowOpen } from '../../../electron/main/navigation';
import { isRendererUrl, rendererLocationFrom, routeFromUrl, routeUrl, type RendererLocation } from '../../../electron/main/renderer-location';

const built: RendererLocation = rendererLocationFrom({ devServerUrl: undefined, indexFileUrl: 'file:///opt/berth/out/renderer/index.html' });
const dev: RendererLocation = rendererLocationFrom({ devServerUrl: 'http://localhost:5173', indexFileUrl: 'file:///unused/index.html' });

function actions() {
  return { openExternal: vi.fn(), openRoute: vi.fn() };
}

describe('window.open handler', () => {
  it('always denies; web links go to the browser', () => {
    const spy = actions();
    expect(handleWindowOpen('https://example.com/docs', built, spy)).toEqual({ action: 'deny' });
    expect(spy.openExternal).toHaveBeenCalledWith('https://example.com/docs');
    expect(spy.openRoute).not.toHaveBeenCalled();
  });

  it('denies other schemes without opening anything', () => {
    const spy = actions();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'smb://host/share', 'not a url']) {
      expect(handleWindowOpen(url, built, spy)).toEqual({ action: 'deny' });
    }
    expect(spy.openExternal).not.toHaveBeenCalled();
    expect(spy.openRoute).not.toHaveBeenCalled();
  });

  it('turns a request for a project route into opening (or focusing) that project window', () => {
    const spy = actions();
    expect(handleWindowOpen('file:///opt/berth/out/renderer/index.html#/projects/prj_abc', built, spy)).toEqual({ action: 'deny' });
    expect(spy.openRoute).toHaveBeenCalledWith({ kind: 'project', projectId: 'prj_abc', page: '#/projects/prj_abc' });
    expect(spy.openExternal).not.toHaveBeenCalled();
  });
});

describe('will-navigate guard', () => {
  it('keeps a window on our renderer', () => {
    const spy = actions();
    expect(handleWillNavigate('file:///opt/berth/out/renderer/index.html#/projects/x', built, spy)).toBe('allow');
    expect(handleWillNavigate('http://localhost:5173/#/', dev, spy)).toBe('allow');
  });

  it('denies leaving it: other files, other origins, web pages (opened externally instead)', () => {
    const spy = actions();
    expect(handleWillNavigate('file:///opt/berth/out/renderer/other.html', built, spy)).toBe('deny');
    expect(handleWillNavigate('file:///opt/berth/out/renderer/index.html?x=1', built, spy)).toBe('deny');
    expect(handleWillNavigate('http://localhost:5174/', dev, spy)).toBe('deny');
    expect(spy.openExternal).toHaveBeenCalledWith('http://localhost:5174/');
    expect(handleWillNavigate('https://evil.example/', built, spy)).toBe('deny');
    expect(spy.openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(handleWillNavigate('javascript:alert(1)', built, spy)).toBe('deny');
    expect(spy.openExternal).toHaveBeenCalledTimes(2);
  });
});

describe('renderer routes', () => {
  it('round-trips the projects route and project routes', () => {
    expect(routeFromUrl(routeUrl(built, { kind: 'projects' }), built)).toEqual({ kind: 'projects' });
    expect(routeFromUrl(routeUrl(built, { kind: 'project', projectId: 'prj_1' }), built)).toEqual({ kind: 'project', projectId: 'prj_1', page: '#/projects/prj_1' });
    expect(routeFromUrl(routeUrl(dev, { kind: 'project', projectId: 'prj_2' }), dev)).toEqual({ kind: 'project', projectId: 'prj_2', page: '#/projects/prj_2' });
  });

  it('keeps the page asked for: a project sub-page opens in the project window, other pages in the projects window', () => {
    const settings = routeFromUrl('file:///opt/berth/out/renderer/index.html#/projects/prj_3/settings', built);
    expect(settings).toEqual({ kind: 'project', projectId: 'prj_3', page: '#/projects/prj_3/settings' });
    expect(routeUrl(built, settings!)).toBe('file:///opt/berth/out/renderer/index.html#/projects/prj_3/settings');
    const newProject = routeFromUrl('file:///opt/berth/out/renderer/index.html#/new-project', built);
    expect(newProject).toEqual({ kind: 'projects', page: '#/new-project' });
    expect(routeUrl(built, newProject!)).toBe('file:///opt/berth/out/renderer/index.html#/new-project');
    // A page that is not a plain renderer path is not passed on.
    expect(routeFromUrl('file:///opt/berth/out/renderer/index.html#/x?<script>', built)).toBeNull();
    expect(routeUrl(built, { kind: 'projects', page: 'javascript:alert(1)' })).toBe('file:///opt/berth/out/renderer/index.html#/');
  });

  it('rejects malformed project ids and foreign pages', () => {
    expect(routeFromUrl('file:///opt/berth/out/renderer/index.html#/projects/..%2F..', built)).toBeNull();
    expect(routeFromUrl('file:///opt/berth/out/renderer/index.html#/projects/%E0%A4%A', built)).toBeNull();
    expect(routeFromUrl('https://example.com/#/projects/prj_1', built)).toBeNull();
    expect(isRendererUrl('file:///opt/berth/out/renderer/index.html', dev)).toBe(false);
  });
});
