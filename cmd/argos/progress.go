package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress reports the progress of long work on stderr when it is a
// terminal: the count, the rate and, when the total is known, the ETA, on
// one line rewritten in place at most every progressEvery. Otherwise it
// prints nothing. It is safe for concurrent use.
type progress struct {
	w     io.Writer // nil: report nothing
	verb  string
	total int64 // 0: unknown
	every time.Duration
	now   func() time.Time

	mu       sync.Mutex
	start    time.Time
	last     time.Time
	count    int64
	baseline int64 // counted before start (a resumed export)
}

func (a *app) newProgress(verb string, total int64) *progress {
	p := &progress{verb: verb, total: total, every: a.progressEvery, now: a.now}
	if a.stderrTTY {
		p.w = a.stderr
	}
	p.start = p.now()
	return p
}

// resumed counts n items done before this run, which the rate leaves out.
func (p *progress) resumed(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count, p.baseline = n, n
}

// add counts n more items done.
func (p *progress) add(n int64) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count += n
	if now := p.now(); now.Sub(p.last) >= p.every {
		p.last = now
		p.print(now)
	}
}

// done prints the final figures and ends the line.
func (p *progress) done() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.print(p.now())
	fmt.Fprintln(p.w)
}

func (p *progress) print(now time.Time) {
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.count-p.baseline) / elapsed.Seconds()
	}
	line := fmt.Sprintf("%s %d", p.verb, p.count)
	if p.total > 0 {
		line += fmt.Sprintf("/%d", p.total)
	}
	line += fmt.Sprintf("  %.0f/s", rate)
	if p.total > 0 && rate > 0 {
		eta := time.Duration(float64(p.total-p.count) / rate * float64(time.Second))
		line += "  ETA " + eta.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
}
