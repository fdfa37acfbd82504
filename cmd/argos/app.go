package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kycgo/argos"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitPartial = 3
)

// A command is one subcommand. Each lives in its own file and adds itself
// to the table with register, so a new command is one new file.
type command struct {
	name    string // as typed: "get", "webhooks listen"
	args    string // the positional arguments in the usage line, e.g. "ID"
	summary string // one line for the command list
	// hidden leaves the command out of the command list (the shell
	// completion's helper).
	hidden bool
	// run parses args (the arguments after the name) with a.flagSet and
	// does the work.
	run func(ctx context.Context, a *app, args []string) error
	// argValues are the values of the first positional argument, for
	// shell completion ("bash", "zsh", "fish").
	argValues []string
}

var commands = map[string]*command{}

// register adds c to the command table; each command's file calls it from
// init.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("argos: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// app is what every command shares: the process's streams and environment
// and the common flags.
type app struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrTTY turns on progress reports.
	stderrTTY bool
	// progressEvery is the least time between two progress reports.
	progressEvery time.Duration
	now           func() time.Time

	// clientOpts are added to every client's options (tests use them for a
	// faster retry policy or a transport that injects faults).
	clientOpts []argos.Option
	// clients are those made for the command, closed after it.
	clients []*argos.Client
	// onListen, if set, is told the address "webhooks listen" listens on
	// (tests listen on port 0).
	onListen func(addr string)
	// wrapLimiter, if set, wraps the limiter that paces purge's deletions
	// (tests count its waits).
	wrapLimiter func(waiter) waiter
	// listFlags, if set, is given the command's flag set instead of
	// parsing the arguments, and the command returns errListFlags at once
	// (shell completion lists each command's flags this way).
	listFlags func(fs *flag.FlagSet)

	cmd *command
	// Common flags, set by every command's flag set.
	json    bool
	showPII bool
	caFile  string
}

// run is the whole program with its surroundings passed in: the command
// line after the program name, the environment, the standard streams. It
// returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(getenv, stdin, stdout, stderr).main(ctx, args)
}

func newApp(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *app {
	a := &app{
		getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		progressEvery: 250 * time.Millisecond, now: time.Now,
	}
	if f, ok := stderr.(*os.File); ok {
		a.stderrTTY = isTerminal(f)
	}
	return a
}

// main dispatches args to a command and maps its error to an exit code.
func (a *app) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		a.usage(a.stdout)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		a.usage(a.stdout)
		return exitOK
	case "--version", "-version":
		args = append([]string{"version"}, args[1:]...)
	case "help":
		return a.help(ctx, args[1:])
	}
	c, rest := lookup(args)
	if c == nil {
		if subs := subcommands(args[0]); len(subs) > 0 {
			if len(args) > 1 && isHelpFlag(args[1]) {
				a.groupUsage(args[0])
				return exitOK
			}
			fmt.Fprintf(a.stderr, "argos %s: want a subcommand: %s (run \"argos %s -h\")\n", args[0], strings.Join(subs, ", "), args[0])
			return exitUsage
		}
		fmt.Fprintf(a.stderr, "argos: unknown command %q (run \"argos help\")\n", args[0])
		return exitUsage
	}
	a.cmd = c
	err := c.run(ctx, a, rest)
	for _, cl := range a.clients {
		cl.CloseIdleConnections()
	}
	var pe *partialError
	var code exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(usageError)):
		a.printErr(c, err)
		fmt.Fprintf(a.stderr, "usage: argos %s\n", c.usageLine())
		return exitUsage
	case errors.As(err, &pe):
		a.printErr(c, err)
		return exitPartial
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		a.printErr(c, fmt.Errorf("interrupted: %w", err))
		return exitFailure
	}
	a.printErr(c, err)
	return exitFailure
}

// printErr reports err on stderr, escaped by visibleLines: an error can
// quote what a server sent. For an answer of the API it adds the server's
// message and code where the error string withholds them (the SDK prints
// only the texts Argos documents, since others may hold applicant data):
// the operator is the person allowed to read them. They are masked as the
// other output is (maskText) unless --show-pii, and escaped.
func (a *app) printErr(c *command, err error) {
	msg := err.Error()
	fmt.Fprintf(a.stderr, "argos %s: %s\n", c.name, visibleLines(msg))
	var ae *argos.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 400 { // a 2xx answer's error: the SDK's own words
		return
	}
	for _, d := range []struct{ what, v string }{{"message", ae.Message}, {"code", ae.Code}} {
		v := strings.TrimSpace(d.v)
		if v == "" || strings.Contains(msg, v) {
			continue
		}
		if !a.showPII {
			v = maskText(v)
		}
		fmt.Fprintf(a.stderr, "argos %s: the server's %s: %s\n", c.name, d.what, visibleLines(v))
	}
}

// lookup returns the command args name ("webhooks listen" before
// "webhooks") and the arguments after its name; nil if there is none.
func lookup(args []string) (*command, []string) {
	if len(args) > 1 {
		if c := commands[args[0]+" "+args[1]]; c != nil {
			return c, args[2:]
		}
	}
	return commands[args[0]], args[1:]
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// help is "argos help [COMMAND]": the command list, a group's subcommands,
// or a command's help (as "argos COMMAND -h").
func (a *app) help(ctx context.Context, args []string) int {
	if len(args) == 0 {
		a.usage(a.stdout)
		return exitOK
	}
	if c, _ := lookup(args); c != nil && !c.hidden {
		return a.main(ctx, []string{c.name, "-h"})
	}
	if len(subcommands(args[0])) > 0 {
		a.groupUsage(args[0])
		return exitOK
	}
	fmt.Fprintf(a.stderr, "argos help: unknown command %q (run \"argos help\")\n", strings.Join(args, " "))
	return exitUsage
}

// groupUsage lists a group's subcommands ("argos webhooks -h").
func (a *app) groupUsage(group string) {
	fmt.Fprintf(a.stdout, "usage: argos %s SUBCOMMAND [flags] [arguments]\n\nSubcommands:\n", group)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, sub := range subcommands(group) {
		c := commands[group+" "+sub]
		fmt.Fprintf(tw, "  %s\t%s\n", c.usageLine(), c.summary)
	}
	_ = tw.Flush()
	fmt.Fprintf(a.stdout, "\nRun \"argos %s SUBCOMMAND -h\" for a subcommand's flags.\n", group)
}

// subcommands returns the names that follow group in the commands named
// "group NAME" ("listen" for "webhooks"), sorted.
func subcommands(group string) []string {
	var out []string
	for n, c := range commands {
		if sub, ok := strings.CutPrefix(n, group+" "); ok && !c.hidden {
			out = append(out, sub)
		}
	}
	slices.Sort(out)
	return out
}

func (c *command) usageLine() string {
	if c.args == "" {
		return c.name + " [flags]"
	}
	return c.name + " [flags] " + c.args
}

// usage lists the commands.
func (a *app) usage(w io.Writer) {
	fmt.Fprint(w, "argos: the operator's tool for Argos KYC submissions.\n\nUsage: argos COMMAND [flags] [arguments]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.hidden {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, n := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", commands[n].usageLine(), commands[n].summary)
	}
	_ = tw.Flush()
	fmt.Fprint(w, "\nEnvironment: ARGOS_API_KEY (required), ARGOS_BASE_URL, ARGOS_CA_FILE, ARGOS_SECURE_TRANSMISSION.\n"+
		"Run \"argos help COMMAND\" or \"argos COMMAND -h\" for a command's flags; \"argos doctor\" checks the setup.\n"+
		"Exit codes: 0 ok, 1 failure, 2 usage, 3 partial (some items failed, or the server listed items outside the filters).\n")
}

// errListFlags ends a command run for its flags (app.listFlags).
var errListFlags = errors.New("listing the flags")

// usageError is a mistake on the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// flagUsage is the SDK's validation error as a usage error, with the field
// renamed to the flag that sets it by flags (a *ValidationError never
// quotes the value).
func flagUsage(flags *strings.Replacer, ve *argos.ValidationError) error {
	return usagef("%s %s", flags.Replace(ve.Field), ve.Reason)
}

// exitCode ends the program with that code; whoever returns it has
// reported why.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// partialError reports that some items of a bulk command failed, or that
// the server listed items outside the command's filters (exit code 3).
type partialError struct{ failed, total, outside int }

func (e *partialError) Error() string {
	var parts []string
	if e.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d items failed", e.failed, e.total))
	}
	if e.outside > 0 {
		parts = append(parts, fmt.Sprintf("the server listed %s outside the filters (left alone; it did not apply them)",
			count(int64(e.outside), "submission")))
	}
	return strings.Join(parts, "; ")
}

// common selects the flags a command shares with others: each command
// shows only those it uses.
type common int

const (
	withJSON common = 1 << iota // --json
	withPII                     // --show-pii
	withCA                      // --ca-file

	// apiFlags are those of a command that calls the API.
	apiFlags = withJSON | withPII | withCA
)

// flagSet returns the command's flag set with the common flags it uses.
func (a *app) flagSet(with common) *flag.FlagSet {
	fs := flag.NewFlagSet("argos "+a.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if with&withJSON != 0 {
		fs.BoolVar(&a.json, "json", false, "print JSON instead of text (fields with no value are left out)")
	}
	if with&withPII != 0 {
		fs.BoolVar(&a.showPII, "show-pii", false, "show applicants' personal data (emails, names, birth dates, ID numbers) unmasked")
	}
	if with&withCA != 0 {
		fs.StringVar(&a.caFile, "ca-file", "", "PEM `file` of certificate authorities to trust instead of the system's (default $ARGOS_CA_FILE; the certificate \"argos fake\" writes)")
	}
	return fs
}

// parse parses args with fs, letting flags come before, between or after
// the positional arguments ("argos get ID --json"); "--" ends the flags.
// It checks that there are exactly nargs positional arguments (nargs < 0:
// any number) and returns them. -h prints the command's usage to stdout
// and returns flag.ErrHelp.
func (a *app) parse(fs *flag.FlagSet, args []string, nargs int) ([]string, error) {
	if a.listFlags != nil {
		a.listFlags(fs)
		return nil, errListFlags
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				a.printFlags(fs)
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		// flag stops at the first non-flag or after "--".
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if nargs >= 0 && len(pos) != nargs {
		return nil, usagef("want %d argument(s) (%s), got %d", nargs, a.cmd.args, len(pos))
	}
	for _, p := range pos {
		if strings.TrimSpace(p) == "" {
			return nil, usagef("empty argument")
		}
	}
	return pos, nil
}

func (a *app) printFlags(fs *flag.FlagSet) {
	fmt.Fprintf(a.stdout, "usage: argos %s\n\n%s\n\nFlags:\n", a.cmd.usageLine(), a.cmd.summary)
	fs.SetOutput(a.stdout)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
