// Entry point of the r1flow editor (built by Vite into editor/dist/, served by `r1flow start`).
import '@xyflow/react/dist/style.css';
import './styles/base.css';
import './styles/canvas.css';
import './styles/panels.css';
import './styles/forms.css';
import './styles/run.css';
import { ReactFlowProvider } from '@xyflow/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { warmUpLayout } from './flow/elk-worker-engine.ts';

warmUpLayout();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ReactFlowProvider>
      <App />
    </ReactFlowProvider>
  </StrictMode>,
);
