import { z } from 'zod';

export const healthSchema = {
  summary: 'Liveness',
  description: 'Says the process is up; it calls no dependency.',
  tags: ['health'],
  response: { 200: z.object({ status: z.literal('ok') }) },
};
