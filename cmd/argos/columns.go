package main

import (
	"strconv"
	"strings"

	"github.com/kycgo/argos"
)

// A column is one field of a submission as the table, the single-submission
// view and the CSV export show it.
type column struct {
	header string // table and view heading
	csv    string // CSV header
	pii    piiKind
	get    func(s *argos.Submission) string
}

// value returns the column's value, masked unless showPII.
func (c *column) value(s *argos.Submission, showPII bool) string {
	v := c.get(s)
	if showPII {
		return v
	}
	return mask(c.pii, v)
}

// allColumns are the CSV export's columns, in order. The CSV's header row
// is their csv names; changing them changes the file format.
var allColumns = []*column{
	{"ID", "submission_id", notPII, func(s *argos.Submission) string { return s.ID }},
	{"CREATED", "created_at", notPII, func(s *argos.Submission) string { return s.CreatedAt }},
	{"UPDATED", "updated_at", notPII, func(s *argos.Submission) string { return s.UpdatedAt }},
	{"STATUS", "kyc_result", notPII, func(s *argos.Submission) string { return string(s.KYC.Status) }},
	{"DECIDED", "kyc_result_at", notPII, func(s *argos.Submission) string { return s.KYCResultAt }},
	{"REASON", "comment_code", notPII, func(s *argos.Submission) string { return joinCodes(s.KYC.CommentCode, ";") }},
	{"ATTEMPTS", "attempts", notPII, func(s *argos.Submission) string { return strconv.Itoa(len(s.KYC.Attempts)) }},
	{"REVIEWER", "reviewer", notPII, func(s *argos.Submission) string { return s.Reviewer }},
	{"EMAIL", "email", piiEmail, func(s *argos.Submission) string { return s.Email }},
	{"USER ID", "user_id", notPII, func(s *argos.Submission) string { return s.UserID }},
	{"APPLICANT ID", "applicant_id", notPII, func(s *argos.Submission) string { return s.ApplicantID }},
	{"NAME", "name", piiName, func(s *argos.Submission) string { return s.Data.Name }},
	{"BIRTH DATE", "date_of_birth", piiDate, func(s *argos.Submission) string { return s.Data.DateOfBirth }},
	{"GENDER", "gender", notPII, func(s *argos.Submission) string { return string(s.Data.Gender) }},
	{"NATIONALITY", "nationality", notPII, func(s *argos.Submission) string { return s.Data.Nationality }},
	{"ID TYPE", "id_type", notPII, func(s *argos.Submission) string { return string(s.Data.IDType) }},
	{"ISSUING COUNTRY", "issuing_country", notPII, func(s *argos.Submission) string { return s.Data.IssuingCountry }},
	{"ID NUMBER", "identity_number", piiSecret, func(s *argos.Submission) string { return s.Data.IdentityNumber }},
	{"CF1", "cf1", notPII, func(s *argos.Submission) string { return s.Data.CF1 }},
	{"CF2", "cf2", notPII, func(s *argos.Submission) string { return s.Data.CF2 }},
	{"CF3", "cf3", notPII, func(s *argos.Submission) string { return s.Data.CF3 }},
	{"AML REPORTS", "aml_resource_ids", notPII, func(s *argos.Submission) string { return strings.Join(s.AMLResourceIDs(), ";") }},
}

// columnsNamed returns the columns with those headers, in that order.
func columnsNamed(headers ...string) []*column {
	out := make([]*column, 0, len(headers))
	for _, h := range headers {
		for _, c := range allColumns {
			if c.header == h {
				out = append(out, c)
			}
		}
	}
	return out
}

// listColumns are the columns of "argos list" and of purge's preview.
var listColumns = columnsNamed("ID", "CREATED", "STATUS", "EMAIL", "NAME", "BIRTH DATE", "USER ID")

// joinCodes joins codes with sep.
func joinCodes[T ~string](codes []T, sep string) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, sep)
}
