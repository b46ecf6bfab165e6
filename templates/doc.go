// Package templates holds the messages Tidings sends, as embedded
// templates that an operator may override from a directory.
//
// Each message NAME has up to three files: NAME.subject.tmpl and
// NAME.txt.tmpl (text/template) and NAME.html.tmpl (html/template, which
// escapes everything members wrote). Files named _*.html.tmpl or
// _*.txt.tmpl are shared partials available to every template of their
// kind.
//
// templates is a leaf: it imports no other Tidings package and defines no
// data types; callers pass their own view models.
package templates
