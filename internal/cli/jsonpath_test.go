package cli

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONNonUTF8Path: a file name that is not valid UTF-8 comes out of --json as
// a readable path with U+FFFD in place of the bad bytes, and losslessly as path_b64;
// a valid name has no path_b64.
func TestJSONNonUTF8Path(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "caf\xe9.key")
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "key", "new", "--json", "-o", name); code != 0 {
		t.Fatalf("key new: exit %d\n%s", code, errOut)
	}
	var written struct {
		File struct {
			Path    string `json:"path"`
			PathB64 string `json:"path_b64"`
		} `json:"file"`
	}
	if err := json.Unmarshal(out.Bytes(), &written); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	raw, err := base64.StdEncoding.DecodeString(written.File.PathB64)
	if err != nil || string(raw) != name || written.File.Path != strings.ToValidUTF8(name, "\uFFFD") {
		t.Errorf("key new --json: path %q, path_b64 %q (%v)", written.File.Path, written.File.PathB64, err)
	}

	plain := filepath.Join(dir, "plain.key")
	out.Reset()
	if code := runCmd(f, "key", "new", "--json", "-o", plain); code != 0 {
		t.Fatalf("key new: exit %d\n%s", code, errOut)
	}
	if strings.Contains(out.String(), "path_b64") {
		t.Errorf("a UTF-8 name has path_b64:\n%s", out)
	}

	out.Reset()
	if code := runCmd(f, "show", "--json", name, plain); code != 0 {
		t.Fatalf("show: exit %d\n%s", code, errOut)
	}
	var shown struct {
		Files []struct {
			Path    string `json:"path"`
			PathB64 string `json:"path_b64"`
		} `json:"files"`
	}
	if err := json.Unmarshal(out.Bytes(), &shown); err != nil || len(shown.Files) != 2 {
		t.Fatalf("%v\n%s", err, out)
	}
	raw, err = base64.StdEncoding.DecodeString(shown.Files[0].PathB64)
	if err != nil || string(raw) != name || shown.Files[1].PathB64 != "" || shown.Files[1].Path != plain {
		t.Errorf("show --json: %+v", shown.Files)
	}
}
