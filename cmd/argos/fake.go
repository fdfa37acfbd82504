package main

import (
	"context"

	"github.com/kycgo/argos/internal/fakecmd"
)

func init() {
	register(&command{name: "fake", summary: "serve the fake Argos API locally (the same server as argos-fake)", run: runFake})
}

// runFake runs the fake server until Ctrl-C; its flags are argos-fake's.
func runFake(ctx context.Context, a *app, args []string) error {
	if a.listFlags != nil {
		a.listFlags(fakecmd.Flags("argos fake"))
		return errListFlags
	}
	if code := fakecmd.Run(ctx, "argos fake", args, a.stdout, a.stderr); code != exitOK {
		return exitCode(code)
	}
	return nil
}
