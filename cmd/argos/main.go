// Command argos is the operator's tool for Argos KYC submissions: find them,
// download their images and AML reports, export them for an audit, delete
// personal data past its retention period, make liveform links and watch
// webhooks arrive. It is built only on the public API of package argos
// (https://pkg.go.dev/github.com/kycgo/argos).
//
// Install it with:
//
//	go install github.com/kycgo/argos/cmd/argos@latest
//
// Usage:
//
//	argos COMMAND [flags] [arguments]
//
//	argos doctor                         check the setup: key, base URL, network, access, version, clock
//	argos get ID                         one submission
//	argos list [filters]                 submissions, newest first (says on stderr when more match)
//	argos export [filters] -o FILE       every matching submission to FILE (.jsonl or .csv), resumable;
//	                                     an existing FILE needs --force (or --resume)
//	argos image ID --type selfie -o FILE one image of a submission
//	argos report RESOURCE_ID -o FILE     one AML report (PDF)
//	argos delete ID [--admin NAME]       delete one submission's personal data
//	argos purge --until DATE [filters]   delete every submission created up to DATE, oldest first
//	                                     (asks for --yes, and over 100 for --confirm-count N)
//	argos purge --until DATE --fields id_image,data [--data-fields name,…]
//	                                     erase only those parts of each (v3)
//	argos review ID --approve|--reject --comment TEXT --admin NAME
//	                                     decide a pending submission (v3)
//	argos fake                           serve the fake Argos API (package argostest) locally
//	argos webhooks listen [--path-secret S] [--decrypt] [--forward-to URL]
//	                                     receive webhooks locally, print each event as a JSON line
//	argos webhooks trigger TRIGGER --to URL
//	                                     send the vendor's sample event of TRIGGER to a receiver
//	argos liveform-url --pid ID [--email …] [--encrypt]
//	                                     print a link to the hosted liveform
//	argos version                        the CLI's, the SDK's and Go's versions (also --version)
//	argos completion bash|zsh|fish       the shell completion script
//
// "argos help COMMAND" or "argos COMMAND -h" prints a command's flags.
//
// Filters: --user ID, --email ADDRESS, --from DATE, --to DATE (YYYY-MM-DD,
// inclusive), --type kyc|aml|data|others, --limit N.
//
// Configuration comes from the environment: ARGOS_API_KEY (required),
// ARGOS_BASE_URL (default https://rest-api.argosidentity.com/v3, the SDK's
// DefaultBaseURL; review and purge --fields refuse a v2 base),
// ARGOS_CA_FILE or --ca-file, a PEM file of certificate authorities to
// trust instead of the system's (the certificate "argos fake" writes), and
// ARGOS_SECURE_TRANSMISSION=1 for a project with the Secure Data
// Transmission option on. "argos doctor" checks all of it.
//
// The keys that encrypt a liveform URL or decrypt webhooks come from
// ARGOS_API_KEY or --key-file FILE, never from a flag's value.
//
// Output is an aligned table, or JSON with --json, which leaves out fields
// with no value ("webhooks listen" always prints JSON Lines). Emails, names, birth
// dates and the other personal data of applicants are masked unless
// --show-pii is given, in tables, JSON and exports alike. Tables, messages
// and errors show the characters a terminal would act on escaped, the way
// Go writes them in a string: control characters as \x1b, \x07, \t, \n
// (C0 and DEL) or \u009b (C1), the bidi embeddings, overrides and isolates
// and the line and paragraph separators as \u202e and the like, bytes
// that are not UTF-8 as \xff; a backslash itself is shown as it is, so
// that text is for reading. JSON output keeps every value exact, with
// those characters as \u escapes. Long work shows
// its progress on standard error when that is a terminal, and nothing
// otherwise.
//
// Exit codes: 0 success, 1 failure (including an interruption by Ctrl-C, and
// a failed doctor check), 2 usage error, 3 partial success (some items
// failed, or the server listed submissions outside the filters, which
// purge leaves alone; see the purge log).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first Ctrl-C the work winds down; a second one kills.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
