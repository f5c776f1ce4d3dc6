/** The interface's strings, one catalog per language (the same keys in each). */
export { en, type ErrorCode, type Messages } from './en.js';
export { ptBR } from './pt-BR.js';
