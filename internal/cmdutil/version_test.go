package cmdutil

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0b0ae3feca3f08874da42b4aaa88f585f0cf36b7"},
		{Key: "vcs.time", Value: "2026-12-06T10:30:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: vcs[:3]},
			true, "v1.2.3\ngit revision 0b0ae3feca3f08874da42b4aaa88f585f0cf36b7, committed 2026-12-06T10:30:00Z\nbuilt by go1.26.8 linux/amd64"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			true, "(devel)\ngit revision 0b0ae3feca3f08874da42b4aaa88f585f0cf36b7+dirty, committed 2026-12-06T10:30:00Z\nbuilt by go1.26.8 linux/amd64"},
		{&debug.BuildInfo{GoVersion: "go1.26.8"},
			true, "(devel)\nbuilt without VCS information (-buildvcs=false or no .git)\nbuilt by go1.26.8 linux/amd64"},
	} {
		if got := versionText(tc.bi, tc.ok, "linux/amd64"); got != tc.want {
			t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
		}
	}
	if got := versionText(nil, false, "linux/amd64"); !strings.HasPrefix(got, "(devel)\nbuilt without build information, by go") {
		t.Errorf("without build information: %q", got)
	}
}
