package crl

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMergeReportJSONListsNeverNull(t *testing.T) {
	r := NewMergeReport(&Checked{Merged: &Merged{}})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"crls":[]`, `"superseded":[]`, `"out_of_date":[]`, `"file":{`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}
