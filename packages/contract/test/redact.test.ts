import { expect, test } from 'vitest';
import { redactorOf } from '../src/env.js';

test('a token is redacted wherever it occurs', () => {
  const redact = redactorOf({ cfAdminToken: 'eyJ.tok-en_1', membersToken: 'm3mb3rs' });
  expect(redact('Authorization: bearer eyJ.tok-en_1; x=m3mb3rsm3mb3rs')).toBe(
    'Authorization: bearer [redacted]; x=[redacted][redacted]',
  );
});

test('a password is redacted where it stands as a value, as sent or encoded; a scope that contains it stays legible', () => {
  const redact = redactorOf({ uaaPassword: 'admin' });
  expect(redact('grant_type=password&username=admin&password=admin')).toBe(
    'grant_type=password&username=[redacted]&password=[redacted]',
  );
  expect(redact('{"scope":["cloud_controller.admin"],"password":"admin"}')).toBe(
    '{"scope":["cloud_controller.admin"],"password":"[redacted]"}',
  );
  const odd = redactorOf({ uaaPassword: 'p@ss w0rd"x' });
  expect(odd('password=p%40ss+w0rd%22x&a=1')).toBe('password=[redacted]&a=1');
  expect(odd('password=p%40ss%20w0rd%22x')).toBe('password=[redacted]');
  expect(odd('{"password":"p@ss w0rd\\"x"}')).toBe('{"password":"[redacted]"}');
  expect(odd('said p@ss w0rd"x')).toBe('said [redacted]');
});

test('nothing to redact leaves the text as it is', () => {
  expect(redactorOf({ cfOrgGuid: 'abc' })('abc')).toBe('abc');
});
