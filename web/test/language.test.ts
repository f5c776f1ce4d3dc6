import { describe, expect, it } from 'vitest';
import { pickLanguage } from '../src/i18n/index.js';
import { en, ptBR } from '../src/i18n/messages.js';

describe('the interface language', () => {
  it('?lang= forces it over the switch and the browser', () => {
    expect(pickLanguage({ query: '?lang=pt-BR', chosen: 'en', browser: ['en-US'] })).toBe('pt-BR');
    expect(pickLanguage({ query: '?lang=en', chosen: 'pt-BR', browser: ['pt-BR'] })).toBe('en');
  });

  it('then the switch, then the first browser language it knows, English otherwise', () => {
    expect(pickLanguage({ query: '', chosen: 'pt-BR', browser: ['en-US'] })).toBe('pt-BR');
    expect(pickLanguage({ query: '', chosen: null, browser: ['de-DE', 'pt-PT'] })).toBe('pt-BR');
    expect(pickLanguage({ query: '?lang=xx', chosen: null, browser: ['fr'] })).toBe('en');
  });

  it('has every string in both languages', () => {
    expect(Object.keys(ptBR).sort()).toEqual(Object.keys(en).sort());
  });
});
