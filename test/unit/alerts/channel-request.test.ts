import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildChannelRequest, headerValue, SIGNATURE_HEADER, signBody, type OutgoingAlert } from '../../../electron/engine/alerts/channel-request';

const alert: OutgoingAlert = {
  alertId: 'alr_1',
  deliveryId: 'dlv_1',
  kind: 'crash_loop',
  title: 'Shop <prod> is crash-looping',
  body: 'It crashed 5 times within 10 minutes. @everyone & friends',
  count: 5,
  at: Date.parse('2026-12-05T10:00:00Z'),
  project: { id: 'prj_1', name: 'Shop' },
  deploymentId: 'dep_1',
  rule: { id: 'rul_1', name: 'Crashes' },
};

describe('channel requests', () => {
  it('a webhook gets the alert as JSON, signed with HMAC-SHA256 of the exact body', () => {
    const request = buildChannelRequest('webhook', alert, 'https://example.test/hook', 'a-signing-secret-of-16+');
    expect(JSON.parse(request.body)).toEqual({
      id: 'alr_1',
      delivery: 'dlv_1',
      kind: 'crash_loop',
      title: alert.title,
      body: alert.body,
      count: 5,
      at: '2026-12-05T10:00:00.000Z',
      project: { id: 'prj_1', name: 'Shop' },
      deploymentId: 'dep_1',
      rule: { id: 'rul_1', name: 'Crashes' },
    });
    const expected = `sha256=${createHmac('sha256', 'a-signing-secret-of-16+').update(request.body).digest('hex')}`;
    expect(request.headers[SIGNATURE_HEADER]).toBe(expected);
    expect(signBody(request.body, 'another-secret-entirely')).not.toBe(expected);
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-berth-delivery': 'dlv_1', 'x-berth-event': 'crash_loop' });
  });

  it('Slack gets mrkdwn text with &, < and > escaped', () => {
    const request = buildChannelRequest('slack', alert, 'https://hooks.slack.test/x', null);
    expect(JSON.parse(request.body)).toEqual({ text: '*Shop &lt;prod&gt; is crash-looping*\nIt crashed 5 times within 10 minutes. @everyone &amp; friends' });
  });

  it('Discord gets an embed and may ping nobody, whatever the text says', () => {
    const body = JSON.parse(buildChannelRequest('discord', alert, 'https://discord.test/x', null).body) as { allowed_mentions: unknown; embeds: { title: string; color: number }[] };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]).toMatchObject({ title: alert.title, description: alert.body, timestamp: '2026-12-05T10:00:00.000Z' });
  });

  it('ntfy gets the body as text and the title in a header, RFC 2047-encoded outside ASCII', () => {
    const request = buildChannelRequest('ntfy', { ...alert, title: 'Магазин — crash loop' }, 'https://ntfy.test/topic', null);
    expect(request.body).toBe(alert.body);
    expect(request.headers).toMatchObject({ priority: '5', tags: 'rotating_light' });
    expect(request.headers['title']).toBe(`=?UTF-8?B?${Buffer.from('Магазин — crash loop').toString('base64')}?=`);
    expect(headerValue('plain ASCII title')).toBe('plain ASCII title');
  });
});
