// The evaluation's progress on stderr: on a terminal one line redrawn in place; in a log or pipe a
// plain line each time another ~10% of the questions is done, so CI logs stay short.
export interface ProgressBar {
  /** One more question done; `correct` is the running count of correct ones. */
  update(done: number, correct: number): void;
  finish(): void;
}

const WIDTH = 30;

export function createProgressBar(total: number, stream: NodeJS.WriteStream): ProgressBar {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let lastTenth = 0;
  let drawn = false;

  const describe = (done: number, correct: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? (done / seconds).toFixed(1) : '0.0';
    const ex = done > 0 ? ((100 * correct) / done).toFixed(2) : '0.00';
    return `${done}/${total} (${Math.floor((100 * done) / total)}%) EX so far ${ex}% · ${rate} q/s`;
  };

  return {
    update(done, correct) {
      if (tty) {
        const filled = Math.round((WIDTH * done) / total);
        stream.write(
          `\r\u001b[2Keval [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${describe(done, correct)}`,
        );
        drawn = true;
        return;
      }
      const tenth = Math.floor((10 * done) / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`eval ${describe(done, correct)}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
