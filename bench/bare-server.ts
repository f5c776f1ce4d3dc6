/**
 * The baseline for the sync-ask benchmark: a bare Fastify route that answers a JSON body of the
 * same size as a completed job, with nothing behind it.
 */
import Fastify from 'fastify';

const body = {
  id: '5f0c8c8e-3b8a-4c55-9f0e-9d7f0f3c2a11',
  status: 'completed',
  answer: 'x'.repeat(700),
};
const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
app.post('/bare', async () => body);
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST });
process.on('SIGTERM', () => void app.close());
