package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "version", summary: "print the versions of the CLI, the SDK and Go, and the commit it was built from", run: runVersion})
}

// versionInfo is what "argos version" prints.
type versionInfo struct {
	CLI      string `json:"cli"`       // the module's version, "(devel)" when built from a checkout
	SDK      string `json:"sdk"`       // argos.Version
	Go       string `json:"go"`        // the Go version the binary was built with
	Platform string `json:"platform"`  // GOOS/GOARCH
	Commit   string `json:"commit"`    // vcs.revision, when built from a checkout
	Modified bool   `json:"modified"`  // vcs.modified: the checkout had changes
	Time     string `json:"commit_at"` // vcs.time
}

// readVersion reads the binary's build information (nil: none).
func readVersion(bi *debug.BuildInfo) *versionInfo {
	v := &versionInfo{CLI: "(unknown)", SDK: argos.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v.CLI = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "vcs.time":
			v.Time = s.Value
		}
	}
	return v
}

// buildVersion is the running binary's versionInfo.
func buildVersion() *versionInfo {
	bi, _ := debug.ReadBuildInfo()
	return readVersion(bi)
}

// String is the one-line form, as in the purge log's run line: "v1.2.0
// (sdk 1.2.0, go1.26.0, commit 0123abc…)".
func (v *versionInfo) String() string {
	s := fmt.Sprintf("%s (sdk %s, %s", v.CLI, v.SDK, v.Go)
	if v.Commit != "" {
		s += ", commit " + v.Commit
		if v.Modified {
			s += "+modified"
		}
	}
	return s + ")"
}

// runVersion prints the versions ("argos --version" too).
func runVersion(_ context.Context, a *app, args []string) error {
	fs := a.flagSet(withJSON)
	if _, err := a.parse(fs, args, 0); err != nil {
		return err
	}
	v := buildVersion()
	if a.json {
		return a.printJSON(v)
	}
	t := newTable(a.stdout, "argos", v.CLI)
	t.row("sdk", v.SDK)
	t.row("go", v.Go+" "+v.Platform)
	if v.Commit != "" {
		commit := v.Commit
		if v.Modified {
			commit += " (with uncommitted changes)"
		}
		t.row("commit", commit)
		t.row("committed", v.Time)
	}
	return t.flush()
}
