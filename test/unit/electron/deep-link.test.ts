// berth:// links (docs/product-rules.md, "Links to a log line"): the strict parser the main process
// routes a link through, and the window route it opens.
import { describe, expect, it } from 'vitest';
import { newId } from '../../../electron/engine/store/ids';
import { deepLinkFromArgv, deepLinkRoute, parseDeepLink } from '../../../electron/main/deep-link';
import { routeFromUrl, routeUrl, type RendererLocation } from '../../../electron/main/renderer-location';
import { DEPLOYMENT_ID_PATTERN, PROJECT_ID_PATTERN, deepLinkUrl } from '../../../shared/log-link';

const PROJECT = 'prj_k3j9x0a1b2c4';
const DEPLOYMENT = 'dep_0a1b2c3d4e5f';

describe('parseDeepLink', () => {
  it('reads a project, a deployment and a line', () => {
    expect(parseDeepLink(`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=1234`)).toEqual({ projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 1234 });
    expect(parseDeepLink(`berth://projects/${PROJECT}?line=7&deployment=${DEPLOYMENT}`)).toEqual({ projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 7 });
    expect(parseDeepLink(`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}`)).toEqual({ projectId: PROJECT, deploymentId: DEPLOYMENT });
    expect(parseDeepLink(`berth://projects/${PROJECT}`)).toEqual({ projectId: PROJECT });
    // Windows may hand the link over with a slash added.
    expect(parseDeepLink(`berth://projects/${PROJECT}/`)).toEqual({ projectId: PROJECT });
    expect(parseDeepLink(`BERTH://projects/${PROJECT}`)).toEqual({ projectId: PROJECT });
  });

  it('reads back what "Copy link to line" makes in the desktop app', () => {
    const link = { projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 99 };
    expect(parseDeepLink(deepLinkUrl(link))).toEqual(link);
  });

  it.each([
    ['', /empty/],
    ['not a url', /not a URL/],
    [`https://projects/${PROJECT}`, /not a berth:\/\/ link/],
    [`berthx://projects/${PROJECT}`, /not a berth:\/\/ link/],
    [`berth:projects/${PROJECT}`, /not a place/],
    [`berth://open/${PROJECT}`, /“open” is not a place/],
    [`berth://user:pw@projects/${PROJECT}`, /no user, password or port/],
    [`berth://projects:80/${PROJECT}`, /no user, password or port/],
    [`berth://projects/${PROJECT}#x`, /no #fragment/],
    ['berth://projects/', /is not a project id/],
    ['berth://projects/prj_short', /“prj_short” is not a project id/],
    [`berth://projects/${PROJECT.toUpperCase()}`, /is not a project id/],
    [`berth://projects/${PROJECT}/settings`, /is not a project id/],
    [`berth://projects/..%2F${PROJECT}`, /is not a project id/],
    [`berth://projects/${PROJECT}?deployment=dep_1`, /“dep_1” is not a deployment id/],
    [`berth://projects/${PROJECT}?deployment=${PROJECT}`, /is not a deployment id/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=0`, /line “0” is not a positive whole number/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=-3`, /not a positive whole number/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=1.5`, /not a positive whole number/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=1e3`, /not a positive whole number/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=012`, /not a positive whole number/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=99999999999999999`, /not a positive whole number/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=`, /not a positive whole number/],
    [`berth://projects/${PROJECT}?line=12`, /a line needs the deployment/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&deployment=${DEPLOYMENT}`, /given twice/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=3&token=abc`, /“token” is not a parameter/],
    [`berth://projects/${PROJECT}?deployment=%E0%A4%A`, /not a name=value parameter/],
    [`berth://projects/${PROJECT}?deployment=${DEPLOYMENT}&line=${'1'.repeat(3000)}`, /at most 2048/],
  ])('refuses %j with the reason', (url, reason) => {
    const result = parseDeepLink(url);
    expect(result).toEqual({ error: expect.stringMatching(reason) });
  });
});

describe('where a berth:// link goes', () => {
  it('is found in a second instance’s command line', () => {
    expect(deepLinkFromArgv(['/opt/Berth/berth', '--no-sandbox', `berth://projects/${PROJECT}`])).toBe(`berth://projects/${PROJECT}`);
    expect(deepLinkFromArgv(['/opt/Berth/berth', '--no-sandbox'])).toBeNull();
  });

  it('opens the project’s window on the renderer route of the line, which the window passes through unchanged', () => {
    const route = deepLinkRoute({ projectId: PROJECT, deploymentId: DEPLOYMENT, lineNo: 42 });
    expect(route).toEqual({ kind: 'project', projectId: PROJECT, page: `#/projects/${PROJECT}?deployment=${DEPLOYMENT}&line=42` });
    const location: RendererLocation = { kind: 'file', indexUrl: 'file:///app/out/renderer/index.html' };
    const url = routeUrl(location, route);
    expect(url).toBe(`file:///app/out/renderer/index.html#/projects/${PROJECT}?deployment=${DEPLOYMENT}&line=42`);
    // window.open of that URL from another window opens the same project window on the same line.
    expect(routeFromUrl(url, location)).toEqual(route);
    expect(deepLinkRoute({ projectId: PROJECT })).toEqual({ kind: 'project', projectId: PROJECT, page: `#/projects/${PROJECT}` });
  });

  it('checks ids against the format the store makes them in', () => {
    for (let index = 0; index < 50; index += 1) {
      expect(newId('prj')).toMatch(PROJECT_ID_PATTERN);
      expect(newId('dep')).toMatch(DEPLOYMENT_ID_PATTERN);
    }
  });
});
