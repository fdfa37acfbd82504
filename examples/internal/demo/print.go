package demo

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kycgo/argos"
)

// Log writes a step log: a title, numbered steps and indented details.
type Log struct {
	W     io.Writer
	steps int
}

// Title writes s underlined.
func (l *Log) Title(s string) { fmt.Fprintf(l.W, "%s\n%s\n", s, strings.Repeat("=", len(s))) }

// Line writes a line.
func (l *Log) Line(format string, args ...any) { fmt.Fprintf(l.W, format+"\n", args...) }

// Blank writes an empty line.
func (l *Log) Blank() { fmt.Fprintln(l.W) }

// Step writes the next numbered step.
func (l *Log) Step(format string, args ...any) {
	l.steps++
	fmt.Fprintf(l.W, "\n%d. %s\n", l.steps, fmt.Sprintf(format, args...))
}

// Detail writes an indented line under the current step.
func (l *Log) Detail(format string, args ...any) {
	fmt.Fprintf(l.W, "   %s\n", fmt.Sprintf(format, args...))
}

// RetryReasons writes the reasons Argos gave for asking for another try.
func (l *Log) RetryReasons(reasons []argos.RetryReason) {
	for _, r := range reasons {
		l.Detail("retry reason: %s (%s)", r.Message, r.Code)
	}
}

// Failure writes an SDK error with a hint. The SDK's error strings never
// contain the API key or applicant data, so they are safe to show.
func (l *Log) Failure(err error) {
	l.Detail("failed: %v", err)
	var apiErr *argos.APIError
	switch {
	case errors.Is(err, argos.ErrIPNotAllowed):
		l.Detail("hint: add this machine's IP address to the project's allow-list in the Argos dashboard")
	case errors.Is(err, argos.ErrInvalidAPIKey):
		l.Detail("hint: check ARGOS_API_KEY (dashboard, Settings)")
	case errors.Is(err, argos.ErrOutcomeUnknown):
		l.Detail("hint: the request may have been processed; the error says how to find out before sending it again")
	case errors.Is(err, argos.ErrValidation):
		l.Detail("hint: the SDK refused the input before sending anything")
	case errors.As(err, &apiErr) && apiErr.StatusCode < 500:
		l.Detail("hint: that is Argos' answer; the bundled images are drawings, which the real API may refuse")
	}
}

// Scores formats the scores Argos reported as " (face similarity …,
// liveness …)"; an absent score is left out (absent is not 0).
func Scores(face, liveness *float64) string {
	var parts []string
	if face != nil {
		parts = append(parts, fmt.Sprintf("face similarity %g", *face))
	}
	if liveness != nil {
		parts = append(parts, fmt.Sprintf("liveness %g", *liveness))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// Created formats a submission's creation time with layout, or shows it as
// sent when it is in none of the formats the SDK knows.
func Created(s *argos.Submission, layout string) string {
	t, err := s.Created()
	if err != nil {
		return OrDash(s.CreatedAt)
	}
	return t.Format(layout)
}

// OrDash returns s, or "-" when s is empty.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Plural returns "1 noun" or "n nouns".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
