// Links to a log line in the renderer (docs/product-rules.md, "Links to a log line"): the project route
// with `?deployment=…&line=…`, what "Copy link to line" copies, and garbled links opening the project plainly.
import { describe, expect, it } from 'vitest';
import { parseDeepLink } from '../../../electron/main/deep-link';
import { shareableLineLink } from '../../../renderer/src/routing/line-link';
import { parseRoute, routeHref } from '../../../renderer/src/routing/route';
import { windowOf } from '../../../renderer/src/routing/window-routing';

const PROJECT = 'prj_k3j9x0a1b2c4';
const DEPLOYMENT = 'dep_0a1b2c3d4e5f';
const page = { origin: 'http://127.0.0.1:7777', pathname: '/' };

describe('the project route with a line', () => {
  it('reads the deployment and the line', () => {
    expect(parseRoute(`#/projects/${PROJECT}?deployment=${DEPLOYMENT}&line=1234`)).toEqual({ name: 'project', projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 1234 });
    expect(parseRoute(`#/projects/${PROJECT}/?deployment=${DEPLOYMENT}`)).toEqual({ name: 'project', projectId: PROJECT, deploymentId: DEPLOYMENT });
    expect(parseRoute(`#/projects/${PROJECT}?`)).toEqual({ name: 'project', projectId: PROJECT });
  });

  it('writes what it reads', () => {
    const route = { name: 'project', projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 5 } as const;
    expect(routeHref(route)).toBe(`#/projects/${PROJECT}?deployment=${DEPLOYMENT}&line=5`);
    expect(parseRoute(routeHref(route))).toEqual(route);
    expect(routeHref({ name: 'project', projectId: PROJECT })).toBe(`#/projects/${PROJECT}`);
    // A line without its deployment is not written: it would mean nothing.
    expect(routeHref({ name: 'project', projectId: PROJECT, lineNo: 5 })).toBe(`#/projects/${PROJECT}`);
  });

  it.each([
    [`?deployment=${DEPLOYMENT}&line=abc`, /line “abc” is not a positive whole number/],
    [`?deployment=${DEPLOYMENT}&line=0`, /not a positive whole number/],
    ['?deployment=../../etc&line=3', /is not a deployment id/],
    ['?line=3', /a line needs the deployment/],
    [`?deployment=${DEPLOYMENT}&line=3&x=1`, /“x” is not a parameter/],
    ['?deployment=%zz', /not a name=value parameter/],
  ])('opens the project normally for a garbled link (%s), saying what was ignored', (query, problem) => {
    expect(parseRoute(`#/projects/${PROJECT}${query}`)).toEqual({ name: 'project', projectId: PROJECT, linkProblem: expect.stringMatching(problem) });
  });

  it('keeps the link in the project’s desktop window', () => {
    expect(windowOf(parseRoute(`#/projects/${PROJECT}?deployment=${DEPLOYMENT}&line=9`))).toBe(windowOf({ name: 'project', projectId: PROJECT }));
  });
});

describe('"Copy link to line"', () => {
  const link = { projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 321 };

  it('copies this page’s address with the route in the browser', () => {
    expect(shareableLineLink('http', page, link)).toBe(`http://127.0.0.1:7777/#/projects/${PROJECT}?deployment=${DEPLOYMENT}&line=321`);
    expect(parseRoute(new URL(shareableLineLink('http', page, link)).hash)).toEqual({ name: 'project', ...link });
  });

  it('copies a berth:// link in the desktop app, which the main process reads back', () => {
    expect(shareableLineLink('ipc', { origin: 'file://', pathname: '/app/index.html' }, link)).toBe(`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=321`);
    expect(parseDeepLink(shareableLineLink('ipc', page, link))).toEqual(link);
  });
});
