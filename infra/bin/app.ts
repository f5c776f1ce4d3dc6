#!/usr/bin/env node
// Entry point for `cdk synth` / `cdk deploy` (cdk.json runs it with tsx). All the work is in lib/.
import { createApp } from '../lib/app.js';

const { app } = createApp({}, process.env);
app.synth();
