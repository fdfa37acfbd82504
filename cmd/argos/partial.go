package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/kycgo/argos"
)

// The names purge --fields and --data-fields accept: the SDK's Partial…
// and DataField… constants, checked before anything is listed or sent so
// that a misspelt name is a usage error rather than a failure per
// submission.
var (
	partialNames = []argos.PartialField{argos.PartialIDImage, argos.PartialSelfieImage, argos.PartialData, argos.PartialOCRRaw,
		argos.PartialOCR, argos.PartialReview, argos.PartialApplicantID, argos.PartialEmail, argos.PartialUserID,
		argos.PartialAdditionalList, argos.PartialDuplicatedInformation, argos.PartialCustomDuplicatedInformation,
		argos.PartialInjectionAction}
	dataFieldNames = []argos.DataField{argos.DataFieldAgeGroup, argos.DataFieldFirstName, argos.DataFieldLastName,
		argos.DataFieldFullName, argos.DataFieldName, argos.DataFieldGender, argos.DataFieldNationality,
		argos.DataFieldDateOfBirth, argos.DataFieldAddressCity, argos.DataFieldAddressCountry, argos.DataFieldAddressState,
		argos.DataFieldAddressStreet, argos.DataFieldAddressStreet2, argos.DataFieldAddressZipcode,
		argos.DataFieldAddressGlobalCode, argos.DataFieldAddressCompoundCode, argos.DataFieldAddressFormatted,
		argos.DataFieldAddressInput, argos.DataFieldAddressDetail, argos.DataFieldIPAddress, argos.DataFieldIssuingCountry,
		argos.DataFieldDateOfIssue, argos.DataFieldDateOfExpiry, argos.DataFieldIDType, argos.DataFieldDocumentNumber,
		argos.DataFieldIdentityNumber, argos.DataFieldSSNNumber, argos.DataFieldPhoneNumber, argos.DataFieldCF1,
		argos.DataFieldCF2, argos.DataFieldCF3}
)

// partialDelete reads --fields and --data-fields (comma-separated): nil
// when --fields is not given (a full deletion).
func (o *purgeOpts) partialDelete() (*argos.DeleteFieldsRequest, error) {
	if o.fields == "" {
		if o.dataFields != "" {
			return nil, usagef("--data-fields needs --fields data")
		}
		return nil, nil
	}
	p := &argos.DeleteFieldsRequest{Admin: o.admin}
	var err error
	if p.Fields, err = nameList("--fields", o.fields, partialNames); err != nil {
		return nil, err
	}
	if o.dataFields != "" {
		if !slices.Contains(p.Fields, argos.PartialData) {
			return nil, usagef("--data-fields needs data in --fields")
		}
		if p.DataFields, err = nameList("--data-fields", o.dataFields, dataFieldNames); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// nameList splits a comma-separated list and checks each name against
// valid.
func nameList[T ~string](flag, list string, valid []T) ([]T, error) {
	var out []T
	for _, s := range strings.Split(list, ",") {
		n := T(strings.TrimSpace(s))
		if !slices.Contains(valid, n) {
			return nil, usagef("%s: %q is not one of %s", flag, n, joinCodes(valid, ", "))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// newPartialAction erases p's parts of each submission with
// DeleteSubmissionFields. Its done check reads the submission back and
// reports whether every part named is empty: a part the submission's JSON
// does not show (custom_duplicated_information, injection_action) cannot be
// confirmed, so the submission is recorded as failed and a re-run erases it
// again, which is harmless.
func newPartialAction(c *argos.Client, p *argos.DeleteFieldsRequest) *purgeAction {
	what := joinCodes(p.Fields, ", ")
	if len(p.DataFields) > 0 {
		what += " (" + joinCodes(p.DataFields, ", ") + ")"
	}
	return &purgeAction{
		wouldBe: "have " + what + " erased", verb: "erase", past: "erased", partial: p,
		del: func(ctx context.Context, id string) error {
			r := *p // p names the parts; each call names its submission
			r.SubmissionID = id
			return goneIsNotFound(c.DeleteSubmissionFields(ctx, &r))
		},
		done: func(ctx context.Context, id string) bool {
			s, err := c.GetSubmission(ctx, id)
			return errors.Is(err, argos.ErrNotFound) || (err == nil && erased(s, p))
		},
	}
}

// erased reports whether s shows every part p names as empty.
func erased(s *argos.Submission, p *argos.DeleteFieldsRequest) bool {
	top := jsonObject(s)
	for _, f := range p.Fields {
		switch f {
		case argos.PartialIDImage:
			if s.Images.IDImage != "" || s.Images.IDBackImage != "" {
				return false
			}
		case argos.PartialSelfieImage:
			if s.Images.SelfieImage != "" {
				return false
			}
		case argos.PartialData:
			if len(p.DataFields) == 0 {
				if !emptyJSON(top[string(f)]) {
					return false
				}
				continue
			}
			data := jsonObject(s.Data)
			for _, df := range p.DataFields {
				if v, ok := data[string(df)]; !ok || !emptyJSON(v) {
					return false
				}
			}
		default:
			if v, ok := top[string(f)]; !ok || !emptyJSON(v) {
				return false
			}
		}
	}
	return true
}

// jsonObject returns v's JSON object by key (nil if v is not one).
func jsonObject(v any) map[string]json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// emptyJSON reports whether v is absent, null, "", or an array or object
// holding only empty values.
func emptyJSON(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0, string(v) == "null", string(v) == `""`:
		return true
	case v[0] == '[':
		var a []json.RawMessage
		return json.Unmarshal(v, &a) == nil && !slices.ContainsFunc(a, func(e json.RawMessage) bool { return !emptyJSON(e) })
	case v[0] == '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) != nil {
			return false
		}
		for _, e := range m {
			if !emptyJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}
