package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitCodes(t *testing.T) {
	f := setup(t)
	ids := f.seed(t, people[:1]...)
	tests := []struct {
		name       string
		args       []string
		env        map[string]string // replaces the fixture's when not nil
		want       int
		wantStderr string
	}{
		{"no command prints the usage and exits 2", nil, nil, exitUsage, ""},
		{"help exits 0", []string{"help"}, nil, exitOK, ""},
		{"an unknown command is a usage error", []string{"frobnicate"}, nil, exitUsage, `unknown command "frobnicate"`},
		{"a command group without its subcommand is a usage error", []string{"webhooks"}, nil, exitUsage, "want a subcommand: listen"},
		{"an unknown flag is a usage error", []string{"list", "--nope"}, nil, exitUsage, "flag provided but not defined"},
		{"a missing argument is a usage error", []string{"get"}, nil, exitUsage, "want 1 argument(s) (ID), got 0"},
		{"a stray argument is a usage error", []string{"list", "extra"}, nil, exitUsage, "want 0 argument(s)"},
		{"a bad date is a usage error", []string{"list", "--from", "2024-13-01"}, nil, exitUsage, "--from must be a date"},
		{"dates the wrong way round are a usage error", []string{"list", "--from", "2024-02-01", "--to", "2024-01-01"}, nil, exitUsage, "--from is after --to"},
		{"a bad request type is a usage error", []string{"list", "--type", "all"}, nil, exitUsage, "--type must be"},
		{"a page size over 2000 is a usage error", []string{"list", "--page-size", "2001"}, nil, exitUsage, "--page-size"},
		{"a missing API key is a usage error", []string{"list"}, map[string]string{}, exitUsage, "ARGOS_API_KEY is not set"},
		{"a wrong API key is a failure", []string{"list"}, map[string]string{envAPIKey: "wrong", envBaseURL: f.env[envBaseURL], envCAFile: f.env[envCAFile]}, exitFailure, "403"},
		{"an http:// base URL is a failure", []string{"list"}, map[string]string{envAPIKey: "k", envBaseURL: "http://example.com/v2"}, exitFailure, "configuring the client"},
		{"a CA file that is not PEM is a usage error", []string{"list", "--ca-file", "helpers_test.go"}, nil, exitUsage, "no PEM certificate"},
		{"export needs -o", []string{"export"}, nil, exitUsage, "-o FILE is required"},
		{"export needs a known extension", []string{"export", "-o", "out.xlsx"}, nil, exitUsage, ".jsonl, .ndjson or .csv"},
		{"image needs a known type", []string{"image", ids[0], "--type", "passport", "-o", "x"}, nil, exitUsage, "--type must be"},
		{"purge needs --until", []string{"purge"}, nil, exitUsage, "--until DATE is required"},
		{"purge refuses a rate over the API's limit", []string{"purge", "--until", "2024-01-01", "--rate", "5001"}, nil, exitUsage, "--rate must be"},
		{"purge refuses a concurrency of 0", []string{"purge", "--until", "2024-01-01", "--concurrency", "0"}, nil, exitUsage, "--concurrency must be"},
		{"-h prints a command's flags and exits 0", []string{"purge", "-h"}, nil, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := *f
			if tt.env != nil {
				g.env = tt.env
			}
			r := g.run(t, tt.args...)
			assert.Equal(t, tt.want, r.code, r.stderr)
			if tt.wantStderr == "" {
				assert.Empty(t, r.stderr)
			} else {
				assert.Contains(t, r.stderr, tt.wantStderr)
			}
			assert.NotContains(t, r.stderr, f.env[envAPIKey], "the API key is never printed")
		})
	}
	t.Run("the usage lists every command but the hidden", func(t *testing.T) {
		r := f.run(t, "help")
		for name := range commands {
			assert.Equal(t, !commands[name].hidden, strings.Contains(r.stdout, "  "+name+" [flags]"), name)
		}
	})
	t.Run("flags may come after the arguments, and -- ends them", func(t *testing.T) {
		r := f.run(t, "get", ids[0], "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.True(t, strings.HasPrefix(r.stdout, "{"))
		r = f.run(t, "get", "--", "--json")
		assert.Equal(t, exitFailure, r.code, "--json after -- is an ID")
	})
}

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		kind piiKind
		in   string
		want string
	}{
		{"an email keeps its first letter and domain", piiEmail, "alice@example.com", "a***@example.com"},
		{"a string without @ is masked whole", piiEmail, "not-an-email", "***"},
		{"a name keeps each word's initial", piiName, "Kim Min-jun", "K*** M***"},
		{"a non-ASCII initial stays whole", piiName, "홍길동", "홍***"},
		{"the deleted-submission marker is not a name", piiName, deletedName, deletedName},
		{"a birth date is masked whole", piiDate, "1990-05-01", "****-**-**"},
		{"an ID number is masked whole", piiSecret, "981112-1234567", "***"},
		{"an empty value stays empty", piiEmail, "", ""},
		{"other columns are shown", notPII, "approved", "approved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mask(tt.kind, tt.in))
		})
	}
}

func TestProgress(t *testing.T) {
	f := setup(t)
	f.seedMany(t, 12, 4)
	t.Run("on a terminal export reports count and rate on stderr", func(t *testing.T) {
		r := f.runCtx(context.Background(), t, func(a *app) { a.stderrTTY, a.progressEvery = true, 0 },
			"export", "-o", f.path("p.csv"), "--page-size", "5")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stderr, "\r\033[Kexported 5  ")
		assert.Contains(t, r.stderr, "\r\033[Kexported 12  ")
		assert.True(t, strings.HasSuffix(r.stderr, "\n"))
	})
	t.Run("on a terminal purge reports the ETA too", func(t *testing.T) {
		r := f.runCtx(context.Background(), t, func(a *app) { a.stderrTTY, a.progressEvery = true, 0 },
			"purge", "--until", "2030-01-01", "--yes", "--rate", "1000", "--log", f.path("p.log"))
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stderr, "deleted 1/12  ")
		assert.Contains(t, r.stderr, "ETA ")
		assert.Contains(t, r.stderr, "deleted 12/12  ")
	})
}

func TestFake(t *testing.T) {
	t.Run("argos fake serves the fake until Ctrl-C", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		done := make(chan int, 1)
		go func() {
			a := newApp(func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
			done <- a.main(ctx, []string{"fake", "-addr", "127.0.0.1:0", "-key", "k", "-cert-out", filepath.Join(t.TempDir(), "ca.pem")})
			pw.Close()
		}()
		line, err := bufio.NewReader(pr).ReadString('\n')
		require.NoError(t, err)
		assert.Regexp(t, `^base URL: https://127\.0\.0\.1:\d+/v3`, line)
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		cancel()
		assert.Equal(t, exitOK, <-done, "argos fake stops with exit code 0") // or go test's -timeout reports it hangs
	})
	t.Run("argos fake passes on its usage errors", func(t *testing.T) {
		r := setup(t).run(t, "fake", "-nope")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "argos fake: flag provided but not defined")
	})
}
