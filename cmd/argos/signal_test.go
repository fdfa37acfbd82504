package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// buildCLI builds the argos binary for the test.
func buildCLI(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "argos")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// startCLI starts the binary with args against the fixture's server.
func startCLI(t *testing.T, bin string, f *fixture, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{envAPIKey + "=" + f.env[envAPIKey], envBaseURL + "=" + f.env[envBaseURL], envCAFile + "=" + f.env[envCAFile]}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	return cmd, &stderr
}

// waitFor polls cond until it holds, for as long as the test may run: its
// end is go test's -timeout, not a guess at the machine's speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline, bounded := t.Deadline()
	for !cond() {
		if bounded && time.Until(deadline) < time.Second {
			t.Fatalf("still waiting for %s as the test run's -timeout nears", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func exitCodeOf(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if err == nil {
		return 0
	}
	require.True(t, errors.As(err, &ee), "%v", err)
	return ee.ExitCode()
}

func TestSIGINT(t *testing.T) {
	bin := buildCLI(t)

	t.Run("SIGINT stops a purge with a complete log and exit code 1", func(t *testing.T) {
		f := setup(t)
		f.seedMany(t, 60, 4)
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Latency: 50 * time.Millisecond, Times: -1})
		logFile := f.path("purge.log")
		cmd, stderr := startCLI(t, bin, f, "purge", "--until", "2030-01-01", "--yes", "--concurrency", "2", "--rate", "1000", "--log", logFile)
		waitFor(t, "three deletions", func() bool {
			b, _ := os.ReadFile(logFile)
			return strings.Count(string(b), `"event":"deleted"`) >= 3
		})
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		assert.Equal(t, exitFailure, exitCodeOf(t, cmd.Wait()))
		assert.Contains(t, stderr.String(), "interrupted")

		var ids []string
		for _, e := range logLines(t, logFile) {
			if e.Event == evDeleting {
				ids = append(ids, e.ID)
			}
		}
		got := checkLog(t, f, logFile, ids)
		assert.Len(t, got[evDeleted], len(ids), "every deletion sent finished and was recorded")
		lines := logLines(t, logFile)
		end := lines[len(lines)-1]
		require.Equal(t, evEnd, end.Event)
		assert.True(t, *end.Interrupted)
		assert.Positive(t, *end.NotStarted)
	})
	t.Run("SIGINT stops an export that --resume then finishes", func(t *testing.T) {
		f := setup(t)
		f.seedMany(t, 40, 4)
		full := f.path("full.jsonl")
		require.Equal(t, exitOK, f.run(t, "export", "-o", full, "--page-size", "5").code)

		f.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Latency: 50 * time.Millisecond, Times: -1})
		out := f.path("out.jsonl")
		cmd, stderr := startCLI(t, bin, f, "export", "-o", out, "--page-size", "5")
		waitFor(t, "two pages", func() bool {
			s, err := loadResumeState(out + ".resume")
			return err == nil && s.Count >= 10
		})
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		assert.Equal(t, exitFailure, exitCodeOf(t, cmd.Wait()))
		assert.Contains(t, stderr.String(), "interrupted")
		assert.FileExists(t, out+".resume")

		f.srv.ClearFaults()
		r := f.run(t, "export", "-o", out, "--page-size", "5", "--resume")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, readFile(t, full), readFile(t, out))
	})
}

func TestSIGINTWebhooksListen(t *testing.T) {
	bin := buildCLI(t)
	t.Run("SIGINT stops webhooks listen with exit code 0 after printing what it received", func(t *testing.T) {
		cmd := exec.Command(bin, "webhooks", "listen", "--addr", "127.0.0.1:0")
		cmd.Env = []string{}
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		stderr, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		br := bufio.NewReader(stderr)
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		addr, ok := strings.CutPrefix(strings.Fields(line)[2], "http://")
		require.True(t, ok, line)
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			_, _ = io.Copy(io.Discard, br)
		}()

		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Post("http://"+addr, "application/json", strings.NewReader(`{"webhook_trigger":"created","submission_id":"s-1"}`))
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode)

		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		<-drained // Wait closes the pipe: read it to the end first
		assert.Equal(t, exitOK, exitCodeOf(t, cmd.Wait()))
		assert.Contains(t, stdout.String(), `"webhook_trigger":"created","submission_id":"s-1"`)
	})
}
