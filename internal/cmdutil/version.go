package cmdutil

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is what `pgcert --Version` prints after "pgcert ": the module Version, then
// the commit it was built from, so that a bug report names the exact code.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionText(bi, ok, runtime.GOOS+"/"+runtime.GOARCH)
}

// versionText describes a build from its build information: the module version
// ("(devel)" for a build from a checkout), the VCS revision with "+dirty" when the
// checkout had changes, and the commit time; then the Go version and platform. A
// build without VCS information (-buildvcs=false, a tarball without .git) says so, and
// still names the Go version, which is the next thing a bug report needs.
func versionText(bi *debug.BuildInfo, ok bool, platform string) string {
	if !ok {
		return fmt.Sprintf("(devel)\nbuilt without build information, by %s %s", runtime.Version(), platform)
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var b strings.Builder
	b.WriteString(v)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "\n%s revision %s", settings["vcs"], rev)
		if settings["vcs.modified"] == "true" {
			b.WriteString("+dirty")
		}
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, ", committed %s", t)
		}
	} else {
		b.WriteString("\nbuilt without VCS information (-buildvcs=false or no .git)")
	}
	fmt.Fprintf(&b, "\nbuilt by %s %s", bi.GoVersion, platform)
	return b.String()
}
