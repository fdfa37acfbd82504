// Command paging lists every submission of a project, a page at a time, with
// the argos SDK.
//
// The simple way is AllSubmissions: a range-over-func iterator that fetches
// the next page (following the API's nextpageKey) only when the loop needs
// it, and stops fetching when the loop breaks. The second part walks the same
// list page by page with ListSubmissions and SubmissionList.Next, which is
// what you need to keep the position between runs (store Next, pass it back).
// Both use a page size of 2 so that paging shows with few submissions.
//
// Run it from the module root:
//
//	go run ./examples/paging
//
// Without ARGOS_API_KEY it starts argostest's fake Argos server in-process and
// first creates five submissions (Step 1 and Step 2 each, with drawn sample
// images) whose scripted outcomes give a mix of statuses. With ARGOS_API_KEY
// set (and ARGOS_BASE_URL optionally) it only reads: it lists the real
// project's submissions, stopping after maxRows rows or maxPages pages.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	"github.com/kycgo/argos/examples/internal/demo"
)

const (
	pageSize = 2
	// A real project can have many thousands of submissions; this example
	// stops early there.
	maxRows  = 20
	maxPages = 10
)

func main() { demo.Main("paging", run) }

// run lists the submissions and writes what it finds to stdout. env looks up
// the environment (os.Getenv in main, a map in tests).
func run(ctx context.Context, stdout io.Writer, env func(string) string) error {
	conn, err := demo.Connect(env, demo.Options{})
	if err != nil {
		return err
	}
	defer conn.Close()
	client := conn.Client
	if conn.Fake != nil {
		fmt.Fprintf(stdout, "Using %s (set ARGOS_API_KEY to use the real API).\n", conn.Describe())
		if err := seed(ctx, stdout, client, conn.Fake); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Using %s (read only).\n", conn.Describe())
	}

	// 1. The simple way: one loop over every submission.
	fmt.Fprintf(stdout, "\nEvery submission, newest first (AllSubmissions, %d per page):\n", pageSize)
	fmt.Fprintf(stdout, "  %3s  %-18s %-10s %s\n", "#", "submission", "status", "created")
	rows := 0
	for sub, err := range client.AllSubmissions(ctx, &argos.ListSubmissionsParams{Count: pageSize}) {
		if err != nil {
			return fmt.Errorf("listing submissions: %w", err)
		}
		rows++
		fmt.Fprintf(stdout, "  %3d  %-18s %-10s %s\n", rows, sub.ID, demo.OrDash(string(sub.KYC.Status)), demo.Created(sub, "2006-01-02 15:04:05.000 UTC"))
		if rows == maxRows {
			fmt.Fprintf(stdout, "  … stopping after %d rows (breaking out of the loop stops the fetching)\n", maxRows)
			break
		}
	}
	fmt.Fprintf(stdout, "%s\n", demo.Plural(rows, "submission"))

	// 2. Page by page: Next is the key of the following page, nil on the
	// last one.
	fmt.Fprintf(stdout, "\nThe same list page by page (ListSubmissions and Next):\n")
	params := &argos.ListSubmissionsParams{Count: pageSize}
	pages := 0
	for {
		page, err := client.ListSubmissions(ctx, params)
		if err != nil {
			return fmt.Errorf("listing page %d: %w", pages+1, err)
		}
		pages++
		next := "last page"
		if page.Next != nil {
			next = "next page after " + page.Next.ID
		}
		fmt.Fprintf(stdout, "  page %d: %s (%s)\n", pages, demo.Plural(len(page.Items), "submission"), next)
		if page.Next == nil {
			break
		}
		if pages == maxPages {
			fmt.Fprintf(stdout, "  … stopping after %d pages\n", maxPages)
			break
		}
		params.Next = page.Next
	}
	fmt.Fprintf(stdout, "%s of at most %d\n", demo.Plural(pages, "page"), pageSize)
	return nil
}

// seed creates five submissions on the fake server, one per outcome below.
func seed(ctx context.Context, stdout io.Writer, client *argos.Client, srv *argostest.Server) error {
	outcomes := []argostest.Outcome{
		argostest.OutcomeApprove,
		argostest.OutcomePending,
		argostest.OutcomeFaceMismatch, // stays incomplete: the applicant may retry
		argostest.OutcomeReject,
		argostest.OutcomeApprove,
	}
	srv.ScriptStep2(outcomes...)
	fmt.Fprintf(stdout, "Creating %d submissions (Step 1 and Step 2 each):", len(outcomes))
	for i := range outcomes {
		s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
			IssuingCountry: "USA",
			// One email per applicant: Argos refuses a second submission
			// for an email that is already approved.
			Email:   fmt.Sprintf("applicant%d@example.com", i+1),
			IDType:  argos.IDDriversLicense,
			IDImage: demo.IDFront.File(),
			UserID:  fmt.Sprintf("paging-%d", i+1),
		})
		if err != nil {
			return fmt.Errorf("seeding submission %d: step 1: %w", i+1, err)
		}
		s2, err := client.SubmitStep2(ctx, &argos.Step2Request{
			SubmissionID: s1.SubmissionID,
			FaceImage:    demo.Selfie.File(),
			Name:         s1.ReviewOCRData.Name,
			DateOfBirth:  s1.ReviewOCRData.DateOfBirth,
		})
		if err != nil {
			return fmt.Errorf("seeding submission %d: step 2: %w", i+1, err)
		}
		fmt.Fprintf(stdout, " %s", s2.Status)
		// Distinct creation times keep "newest first" easy to follow.
		if err := sleep(ctx, 2*time.Millisecond); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout)
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
