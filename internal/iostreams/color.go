package iostreams

import "github.com/fatih/color"

// ColorScheme paints words for one stream: green for what is fine, yellow for
// warnings, red for errors. With colour off every method returns its input.
type ColorScheme struct {
	enabled bool
}

// OutColors is the scheme for standard output.
func (s *IOStreams) OutColors() *ColorScheme { return &ColorScheme{enabled: s.outColor} }

// ErrColors is the scheme for standard error.
func (s *IOStreams) ErrColors() *ColorScheme { return &ColorScheme{enabled: s.errColor} }

// Enabled reports whether the scheme paints at all.
func (c *ColorScheme) Enabled() bool { return c.enabled }

func (c *ColorScheme) paint(attr color.Attribute, text string) string {
	if !c.enabled {
		return text
	}
	p := color.New(attr)
	p.EnableColor()
	return p.Sprint(text)
}

// Green marks a good result.
func (c *ColorScheme) Green(s string) string { return c.paint(color.FgGreen, s) }

// Yellow marks a warning.
func (c *ColorScheme) Yellow(s string) string { return c.paint(color.FgYellow, s) }

// Red marks an error.
func (c *ColorScheme) Red(s string) string { return c.paint(color.FgRed, s) }

// Bold marks a heading.
func (c *ColorScheme) Bold(s string) string { return c.paint(color.Bold, s) }
