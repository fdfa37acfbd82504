package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// benchLatency is the delay the fake adds to every call in the bulk
// benchmarks.
const benchLatency = 20 * time.Millisecond

var (
	benchBinOnce sync.Once
	benchBin     string
	benchBinErr  error
)

// benchBinary builds the CLI once for the benchmarks that measure its peak
// memory as a process of its own.
func benchBinary(b *testing.B) string {
	benchBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "argos-bench")
		if err != nil {
			benchBinErr = err
			return
		}
		benchBin = dir + "/argos"
		if out, err := exec.Command("go", "build", "-o", benchBin, ".").CombinedOutput(); err != nil {
			benchBinErr = fmt.Errorf("%w: %s", err, out)
		}
	})
	require.NoError(b, benchBinErr)
	return benchBin
}

// BenchmarkExport exports n submissions, 2,000 a page, from the fake with
// 20 ms latency per call, running the binary so that its peak RSS is its
// own (the fake's memory is not counted; see watchHWM). Flat memory: peak-RSS-MB is about
// the same for 2,000 and 20,000 submissions.
func BenchmarkExport(b *testing.B) {
	bin := benchBinary(b)
	for _, n := range []int{2000, 20000} {
		for _, ext := range []string{"jsonl", "csv"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, ext), func(b *testing.B) {
				f := setup(b)
				f.seedMany(b, n, 32)
				f.srv.InjectFault(argostest.Fault{Latency: benchLatency, Times: -1})
				out := f.path("export." + ext)
				var maxRSS int64
				b.ResetTimer()
				for range b.N {
					cmd := exec.Command(bin, "export", "-o", out, "--show-pii")
					cmd.Env = []string{envAPIKey + "=" + f.env[envAPIKey], envBaseURL + "=" + f.env[envBaseURL], envCAFile + "=" + f.env[envCAFile]}
					var outb bytes.Buffer
					cmd.Stdout, cmd.Stderr = &outb, &outb
					require.NoError(b, cmd.Start())
					hwm := watchHWM(cmd.Process.Pid)
					err := cmd.Wait()
					maxRSS = max(maxRSS, hwm())
					require.NoError(b, err, outb.String())
					require.Equal(b, fmt.Sprintf("exported %d submissions to %s\n", n, out), outb.String())
				}
				b.StopTimer()
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
				b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MB")
			})
		}
	}
}

// watchHWM polls the process's peak resident set (VmHWM, which exec resets,
// unlike the rusage of a child Go starts with vfork, which reports the
// parent's) until the returned function is called, and returns the last
// value read, in KiB.
func watchHWM(pid int) func() int64 {
	var last atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil {
							last.Store(max(last.Load(), kb))
						}
					}
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		return last.Load()
	}
}

// BenchmarkExportInProcess is BenchmarkExport in-process, for bytes
// allocated per submission (the fake's own allocations included).
func BenchmarkExportInProcess(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := setup(b)
			f.seedMany(b, n, 32)
			f.srv.InjectFault(argostest.Fault{Latency: benchLatency, Times: -1})
			out := f.path("export.jsonl")
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				r := f.run(b, "export", "-o", out, "--show-pii")
				require.Equal(b, exitOK, r.code, r.stderr)
			}
			b.StopTimer()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
		})
	}
}

// BenchmarkPurge deletes 5,000 submissions from the fake with 20 ms latency
// per call and reports the deletions per second against the target
// min(concurrency / latency, rate): ratio-to-bound must be at least 0.9.
func BenchmarkPurge(b *testing.B) {
	const n = 5000
	for _, tc := range []struct{ concurrency, rate int }{{20, 5000}, {50, 5000}, {64, 2000}, {20, 500}} {
		b.Run(fmt.Sprintf("concurrency=%d/rate=%d", tc.concurrency, tc.rate), func(b *testing.B) {
			f := setup(b)
			bound := min(float64(tc.concurrency)/benchLatency.Seconds(), float64(tc.rate))
			var elapsed, deleting time.Duration
			for range b.N {
				b.StopTimer()
				f.srv.ClearFaults()
				f.seedMany(b, n, 32)
				f.srv.InjectFault(argostest.Fault{Latency: benchLatency, Times: -1})
				logFile := f.path("purge.log")
				_ = os.Remove(logFile)
				start := time.Now()
				b.StartTimer()
				r := f.runCtx(context.Background(), b, nil, "purge", "--until", "2030-01-01", "--yes", "--confirm-count", fmt.Sprint(n), "--log", logFile,
					"--concurrency", fmt.Sprint(tc.concurrency), "--rate", fmt.Sprint(tc.rate))
				b.StopTimer()
				elapsed += time.Since(start)
				require.Equal(b, exitOK, r.code, r.stderr)
				require.Contains(b, r.stdout, fmt.Sprintf("deleted %d,", n))
				deleting += deletionPhase(b, logFile)
			}
			// Whole command (listing the 5,000 first, three pages) and the
			// deletion phase alone (the log's run line to its end line).
			rate := float64(n*b.N) / elapsed.Seconds()
			phase := float64(n*b.N) / deleting.Seconds()
			b.ReportMetric(bound, "bound/s")
			b.ReportMetric(rate, "deletes/s")
			b.ReportMetric(rate/bound, "ratio-to-bound")
			b.ReportMetric(phase, "phase-deletes/s")
			b.ReportMetric(phase/bound, "phase-ratio-to-bound")
		})
	}
}

// deletionPhase is the time from the log's run line to its end line.
func deletionPhase(b *testing.B, logFile string) time.Duration {
	lines := logLines(b, logFile)
	first, err := time.Parse(time.RFC3339Nano, lines[0].Time)
	require.NoError(b, err)
	last, err := time.Parse(time.RFC3339Nano, lines[len(lines)-1].Time)
	require.NoError(b, err)
	return last.Sub(first)
}
