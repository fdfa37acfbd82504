package argos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
)

// fits reports whether a value GET /submission shows may be the value
// sent: equal (ignoring case and outer spaces), or not shown at all (the
// API need not echo every field), or not sent while nothing is shown.
func fits(sent, shown string) bool {
	sent, shown = strings.TrimSpace(sent), strings.TrimSpace(shown)
	return shown == "" || strings.EqualFold(sent, shown)
}

// allFit reports whether every pair fits.
func allFit(pairs ...[2]string) bool {
	for _, p := range pairs {
		if !fits(p[0], p[1]) {
			return false
		}
	}
	return true
}

// matchStep1 reports whether s may be the submission Step 1 r created: the
// user ID, ID type, issuing country and custom fields it shows are the
// ones sent (the email was matched by the list).
func matchStep1(s *Submission, r *Step1Request) bool {
	d := &s.Data
	return allFit([2]string{r.UserID, s.UserID}, [2]string{string(r.IDType), string(d.IDType)},
		[2]string{r.IssuingCountry, d.IssuingCountry},
		[2]string{r.CF1, d.CF1}, [2]string{r.CF2, d.CF2}, [2]string{r.CF3, d.CF3})
}

// matchMigration reports whether s may be the submission migration r
// inserted.
func matchMigration(s *Submission, r *MigrationRequest) bool {
	d := &s.Data
	return allFit([2]string{r.UserID, s.UserID}, [2]string{r.FullName, firstNonEmpty(d.FullName, d.Name)},
		[2]string{r.DateOfBirth, d.DateOfBirth}, [2]string{string(r.Status), string(s.KYC.Status)},
		[2]string{string(r.IDType), string(d.IDType)}, [2]string{r.IssuingCountry, d.IssuingCountry},
		[2]string{r.Nationality, d.Nationality},
		[2]string{r.CF1, d.CF1}, [2]string{r.CF2, d.CF2}, [2]string{r.CF3, d.CF3})
}

// customField returns the value of the custom field f of d.
func customField(d *ApplicantData, f DataField) string {
	switch f {
	case DataFieldCF1:
		return d.CF1
	case DataFieldCF2:
		return d.CF2
	case DataFieldCF3:
		return d.CF3
	}
	return ""
}

// dataFieldValues maps the data fields a partial delete erases to what
// GET /submission shows of them.
func dataFieldValues(d *ApplicantData) map[DataField]string {
	return map[DataField]string{
		DataFieldAgeGroup: d.AgeGroup, DataFieldFirstName: d.FirstName, DataFieldLastName: d.LastName,
		DataFieldFullName: d.FullName, DataFieldName: d.Name, DataFieldGender: string(d.Gender),
		DataFieldNationality: d.Nationality, DataFieldDateOfBirth: d.DateOfBirth, DataFieldAddressCity: d.AddressCity,
		DataFieldAddressCountry: d.AddressCountry, DataFieldAddressState: d.AddressState,
		DataFieldAddressStreet: d.AddressStreet, DataFieldAddressStreet2: d.AddressStreet2,
		DataFieldAddressZipcode: d.AddressZipcode, DataFieldAddressGlobalCode: d.AddressGlobalCode,
		DataFieldAddressCompoundCode: d.AddressCompoundCode, DataFieldAddressFormatted: d.AddressFormatted,
		DataFieldAddressInput: d.AddressInput, DataFieldAddressDetail: d.AddressDetail, DataFieldIPAddress: d.IPAddress,
		DataFieldIssuingCountry: d.IssuingCountry, DataFieldDateOfIssue: d.DateOfIssue, DataFieldDateOfExpiry: d.DateOfExpiry,
		DataFieldIDType: string(d.IDType), DataFieldDocumentNumber: d.DocumentNumber,
		DataFieldIdentityNumber: d.IdentityNumber, DataFieldSSNNumber: d.SSNNumber, DataFieldPhoneNumber: d.PhoneNumber,
		DataFieldCF1: d.CF1, DataFieldCF2: d.CF2, DataFieldCF3: d.CF3,
	}
}

// emptyJSON reports whether a raw object is absent, null or empty.
func emptyJSON(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte("{}")) || bytes.Equal(t, []byte("[]"))
}

// erased reports, for each part a partial delete names, whether GET
// /submission shows it empty; parts it does not show are left out.
func erased(s *Submission, r *DeleteFieldsRequest) (checked int, all bool) {
	data := dataFieldValues(&s.Data)
	parts := map[string]func() bool{
		string(PartialIDImage):               func() bool { return s.Images.IDImage == "" && s.Images.IDBackImage == "" },
		string(PartialSelfieImage):           func() bool { return s.Images.SelfieImage == "" },
		string(PartialOCR):                   func() bool { return s.OCR == (OCRResult{}) },
		string(PartialOCRRaw):                func() bool { return emptyJSON(s.OCRRaw) },
		string(PartialReview):                func() bool { return emptyJSON(s.Review) },
		string(PartialAdditionalList):        func() bool { return emptyJSON(s.AdditionalList) },
		string(PartialApplicantID):           func() bool { return s.ApplicantID == "" },
		string(PartialEmail):                 func() bool { return s.Email == "" },
		string(PartialUserID):                func() bool { return s.UserID == "" },
		string(PartialDuplicatedInformation): func() bool { return s.DuplicatedInformation == "" },
		string(PartialData): func() bool {
			fields := r.DataFields
			if len(fields) == 0 {
				fields = dataFields
			}
			for _, f := range fields {
				if data[f] != "" {
					return false
				}
			}
			return true
		},
	}
	all = true
	for _, f := range r.Fields {
		if empty, ok := parts[name(f)]; ok {
			checked++
			all = all && empty()
		}
	}
	return checked, all
}

// name is the API's name of a part or a field, whether its Go type is
// string or a string type of its own.
func name[S ~string](s S) string { return string(s) }

// checkErased tells whether a partial delete landed: every part it names
// that GET /submission shows is empty (a submission deleted whole has none
// left either).
func checkErased(ctx context.Context, c *Client, e *OutcomeUnknownError, _ bool) (*Resolution, error) {
	s, err := c.GetSubmission(ctx, e.SubmissionID)
	switch {
	case errors.Is(err, ErrNotFound):
		return &Resolution{State: ResolutionLanded, SubmissionID: e.SubmissionID,
			Reason: "the submission is gone whole"}, nil
	case err != nil:
		return nil, err
	case s.Deleted():
		return landed(s), nil
	}
	checked, all := erased(s, e.Request.(*DeleteFieldsRequest))
	switch {
	case checked == 0:
		return undetermined("the parts erased are not shown by GET /submission; erasing them again is safe"), nil
	case all:
		return landed(s), nil
	}
	return nil, nil
}
