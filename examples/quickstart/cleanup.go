package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/examples/internal/demo"
)

// The last steps of the quickstart: delete what the run created, and show
// what Argos keeps of a deleted submission.

// deleteAndLookUp deletes the submission and shows what Argos keeps of it.
func (q *quickstart) deleteAndLookUp(ctx context.Context, id string) error {
	out := q.out
	out.Step("Deleting submission %s (its personal data and images, for good)", id)
	res, err := q.client.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: id})
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("deleting the submission: %w", err)
	}
	out.Detail("Argos answered: %s: %s", res.Message, res.Content)

	out.Step("Looking the deleted submission up again")
	sub, err := q.client.GetSubmission(ctx, id)
	if errors.Is(err, argos.ErrNotFound) {
		out.Detail("not found: nothing of it is kept")
		return nil
	}
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("reading the deleted submission: %w", err)
	}
	out.Detail("kept: id %s, KYC status %s, ID type %s, created %s", sub.ID, demo.OrDash(string(sub.KYC.Status)),
		demo.OrDash(string(sub.Data.IDType)), demo.Created(sub, "2006-01-02 15:04:05 UTC"))
	if left := personalData(sub); len(left) > 0 {
		out.Detail("still present: %s", strings.Join(left, ", "))
	} else {
		out.Detail("gone: email, name (it reads %q), birth date, gender, nationality, images", sub.Data.Name)
	}
	return nil
}

// personalData names the personal fields a submission still has (without
// their values). "Deleted Submission" is the name Argos shows for a deleted
// one.
func personalData(s *argos.Submission) []string {
	var left []string
	for _, f := range []struct {
		name    string
		present bool
	}{
		{"email", s.Email != ""},
		{"name", s.Data.Name != "" && s.Data.Name != "Deleted Submission"},
		{"birth date", s.Data.DateOfBirth != ""},
		{"gender", s.Data.Gender != ""},
		{"nationality", s.Data.Nationality != ""},
		{"images", s.Images != (argos.ImageKeys{})},
	} {
		if f.present {
			left = append(left, f.name)
		}
	}
	return left
}
