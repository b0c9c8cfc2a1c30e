//! The modules of `webchannel/src` import each other in one direction only: this test reads
//! every module (following `mod` items from `lib.rs`, `#[path]` included, and inline
//! modules such as `mod tests`), collects the modules each one names — in `use` items, in
//! paths anywhere in its code, and in the tokens of macro calls — and fails on any circle.
//!
//! A path counts when it starts at `crate::`, `webchannel::` (the crate naming itself),
//! `super::`, `self::` or a child module, and names the deepest module it reaches; names
//! taken through a parent's re-export point at the parent. Declaring a module (`mod x;`)
//! is not a dependency. Features do not matter: every `cfg` is read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::visit::Visit;

/// A module path, such as `["session", "contract"]`; the crate root is empty.
type ModulePath = Vec<String>;

/// What one module names: the modules it depends on.
#[derive(Debug, Default)]
struct Module {
    children: BTreeSet<String>,
    /// Paths as written, resolved once every module is known.
    paths: Vec<ModulePath>,
}

/// Every module of a crate, read from its sources.
#[derive(Debug, Default)]
struct Modules(BTreeMap<ModulePath, Module>);

impl Modules {
    /// Reads the crate whose root is `lib`, asking `read` for each file's text.
    fn read(lib: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Self, String> {
        let mut modules = Self::default();
        modules.read_file(Vec::new(), lib, true, read)?;
        Ok(modules)
    }

    fn read_file(
        &mut self,
        module: ModulePath,
        file: &Path,
        owns_directory: bool,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> Result<(), String> {
        let text = read(file).ok_or_else(|| format!("cannot read {}", file.display()))?;
        let parsed =
            syn::parse_file(&text).map_err(|error| format!("{}: {error}", file.display()))?;
        let parent = file.parent().unwrap_or(Path::new(""));
        let directory = if owns_directory {
            parent.to_path_buf()
        } else {
            let stem = file
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or("");
            parent.join(stem)
        };
        self.read_items(module, &parsed.items, &directory, read)
    }

    fn read_items(
        &mut self,
        module: ModulePath,
        items: &[syn::Item],
        directory: &Path,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> Result<(), String> {
        let mut names = Names::default();
        for item in items {
            names.visit_item(item);
        }
        let mut children = BTreeSet::new();
        for item in items {
            let syn::Item::Mod(declared) = item else {
                continue;
            };
            let name = declared.ident.to_string();
            children.insert(name.clone());
            let mut child = module.clone();
            child.push(name.clone());
            match &declared.content {
                Some((_, items)) => self.read_items(child, items, &directory.join(&name), read)?,
                None => match path_attribute(&declared.attrs) {
                    Some(path) => self.read_file(child, &directory.join(path), true, read)?,
                    None => {
                        let file = directory.join(format!("{name}.rs"));
                        if read(&file).is_some() {
                            self.read_file(child, &file, false, read)?;
                        } else {
                            self.read_file(
                                child,
                                &directory.join(&name).join("mod.rs"),
                                true,
                                read,
                            )?;
                        }
                    }
                },
            }
        }
        self.0.insert(
            module,
            Module {
                children,
                paths: names.paths,
            },
        );
        Ok(())
    }

    /// Which modules each module depends on.
    fn dependencies(&self) -> BTreeMap<&ModulePath, BTreeSet<&ModulePath>> {
        self.0
            .iter()
            .map(|(module, read)| {
                let targets = read
                    .paths
                    .iter()
                    .filter_map(|path| self.resolve(module, &read.children, path))
                    .filter(|target| *target != module)
                    .collect();
                (module, targets)
            })
            .collect()
    }

    /// The deepest module `path`, written in `module`, reaches.
    fn resolve(
        &self,
        module: &ModulePath,
        children: &BTreeSet<String>,
        path: &[String],
    ) -> Option<&ModulePath> {
        let (first, rest) = path.split_first()?;
        let mut base: ModulePath = match first.as_str() {
            "crate" | "webchannel" => Vec::new(),
            "self" => module.clone(),
            "super" => module[..module.len().checked_sub(1)?].to_vec(),
            name if children.contains(name) => {
                let mut base = module.clone();
                base.push(name.to_owned());
                base
            }
            _ => return None,
        };
        let mut rest = rest.iter().peekable();
        while first == "super" && rest.peek().is_some_and(|segment| *segment == "super") {
            rest.next();
            base.pop()?;
        }
        let mut reached = self.0.get_key_value(&base)?.0;
        for segment in rest {
            base.push(segment.clone());
            match self.0.get_key_value(&base) {
                Some((known, _)) => reached = known,
                None => break,
            }
        }
        Some(reached)
    }

    /// Every circle: groups of modules that reach each other, each group sorted.
    fn cycles(&self) -> Vec<Vec<String>> {
        let graph = self.dependencies();
        let mut finder = Circles {
            graph: &graph,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            next: 0,
            found: Vec::new(),
        };
        for module in graph.keys() {
            if !finder.index.contains_key(module) {
                finder.visit(module);
            }
        }
        finder.found
    }
}

/// The `#[path = "..."]` of a module declaration.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<PathBuf> {
    attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(pair) = &attr.meta else {
            return None;
        };
        if !pair.path.is_ident("path") {
            return None;
        }
        match &pair.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(path),
                ..
            }) => Some(PathBuf::from(path.value())),
            _ => None,
        }
    })
}

/// The paths one module's own items write (inline modules are modules of their own).
#[derive(Default)]
struct Names {
    paths: Vec<ModulePath>,
}

impl Names {
    fn use_tree(&mut self, prefix: &mut ModulePath, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.named(prefix, &name.ident),
            syn::UseTree::Rename(rename) => self.named(prefix, &rename.ident),
            syn::UseTree::Glob(_) => self.paths.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn named(&mut self, prefix: &ModulePath, name: &syn::Ident) {
        let mut path = prefix.clone();
        if name != "self" {
            path.push(name.to_string());
        }
        self.paths.push(path);
    }

    /// Paths in the tokens of a macro call: `a::b::c` sequences.
    fn tokens(&mut self, tokens: TokenStream) {
        let mut path: ModulePath = Vec::new();
        let mut colons = 0;
        for token in tokens {
            match token {
                TokenTree::Ident(ident) if path.is_empty() || colons == 2 => {
                    path.push(ident.to_string());
                    colons = 0;
                }
                TokenTree::Punct(punct) if punct.as_char() == ':' && !path.is_empty() => {
                    colons += 1;
                    if colons == 1 && punct.spacing() != Spacing::Joint {
                        self.end(&mut path);
                        colons = 0;
                    }
                }
                TokenTree::Group(group) => {
                    self.end(&mut path);
                    colons = 0;
                    self.tokens(group.stream());
                }
                other => {
                    self.end(&mut path);
                    colons = 0;
                    if let TokenTree::Ident(ident) = other {
                        path.push(ident.to_string());
                    }
                }
            }
        }
        self.end(&mut path);
    }

    fn end(&mut self, path: &mut ModulePath) {
        if path.len() > 1 {
            self.paths.push(std::mem::take(path));
        }
        path.clear();
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {
        // A module of its own.
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: ModulePath = path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect();
        if segments.len() > 1 {
            self.paths.push(segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// Tarjan's strongly connected components: each with more than one module is a circle.
struct Circles<'a> {
    graph: &'a BTreeMap<&'a ModulePath, BTreeSet<&'a ModulePath>>,
    index: BTreeMap<&'a ModulePath, usize>,
    low: BTreeMap<&'a ModulePath, usize>,
    stack: Vec<&'a ModulePath>,
    on_stack: BTreeSet<&'a ModulePath>,
    next: usize,
    found: Vec<Vec<String>>,
}

impl<'a> Circles<'a> {
    fn visit(&mut self, module: &'a ModulePath) {
        self.index.insert(module, self.next);
        self.low.insert(module, self.next);
        self.next += 1;
        self.stack.push(module);
        self.on_stack.insert(module);
        for &target in self.graph.get(module).into_iter().flatten() {
            if !self.index.contains_key(target) {
                self.visit(target);
                let low = self.low[module].min(self.low[target]);
                self.low.insert(module, low);
            } else if self.on_stack.contains(target) {
                let low = self.low[module].min(self.index[target]);
                self.low.insert(module, low);
            }
        }
        if self.low[module] == self.index[module] {
            let mut component = Vec::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack.remove(member);
                component.push(
                    std::iter::once("crate")
                        .chain(member.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join("::"),
                );
                if member == module {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                self.found.push(component);
            }
        }
    }
}

#[test]
fn the_runtime_has_no_import_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = Modules::read(&src.join("lib.rs"), &|file| {
        std::fs::read_to_string(file).ok()
    })
    .expect("the crate's sources parse");
    assert!(
        modules.0.len() > 40,
        "every module was read: {:?}",
        modules.0.keys()
    );
    assert_eq!(modules.cycles(), Vec::<Vec<String>>::new());
}

/// The modules of a crate made of `files` (path, text), rooted at `lib.rs`.
fn crate_of(files: &[(&str, &str)]) -> Modules {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect();
    Modules::read(Path::new("lib.rs"), &|file| files.get(file).cloned()).expect("it parses")
}

#[test]
fn two_modules_that_use_each_other_are_a_circle() {
    let modules = crate_of(&[
        ("lib.rs", "mod a; mod b;"),
        ("a.rs", "use crate::b::B; pub struct A;"),
        ("b/mod.rs", "pub struct B(crate::a::A);"),
    ]);
    assert_eq!(modules.cycles(), [["crate::a", "crate::b"]]);
}

#[test]
fn a_parent_that_uses_a_child_which_uses_the_parent_is_a_circle() {
    let modules = crate_of(&[
        ("lib.rs", "mod session;"),
        (
            "session/mod.rs",
            "mod updates; pub struct Id; fn f() { updates::write(); }",
        ),
        ("session/updates.rs", "use super::Id; pub fn write() {}"),
    ]);
    assert_eq!(
        modules.cycles(),
        [["crate::session", "crate::session::updates"]]
    );
}

#[test]
fn a_path_inside_a_macro_call_counts() {
    let modules = crate_of(&[
        ("lib.rs", "mod low; mod high;"),
        (
            "low.rs",
            "fn f() { tracing::warn!(\"{}\", crate::high::NAME); }",
        ),
        ("high.rs", "use crate::low; pub const NAME: &str = \"\";"),
    ]);
    assert_eq!(modules.cycles(), [["crate::high", "crate::low"]]);
}

#[test]
fn layers_in_one_direction_tests_and_path_attributes_are_no_circle() {
    let modules = crate_of(&[
        (
            "lib.rs",
            "mod low; mod high; #[path = \"hidden.rs\"] pub mod __hidden; pub use high::H;",
        ),
        (
            "low.rs",
            "pub struct L; #[cfg(test)] mod tests { use super::L; }",
        ),
        ("high.rs", "use crate::low::L; pub struct H(L);"),
        (
            "hidden.rs",
            "pub use crate::high::H; pub use crate::low::L;",
        ),
    ]);
    assert_eq!(modules.0.len(), 5, "{:?}", modules.0.keys());
    assert!(modules.cycles().is_empty());
}

#[test]
fn using_the_crate_root_from_a_module_it_re_exports_is_a_circle() {
    let modules = crate_of(&[
        ("lib.rs", "mod error; mod object; pub use error::Error;"),
        ("error.rs", "pub struct Error;"),
        (
            "object.rs",
            "use crate::Error; pub use object_items::*; mod object_items {}",
        ),
    ]);
    assert!(modules.cycles().is_empty(), "the root does not use object");
    let modules = crate_of(&[
        (
            "lib.rs",
            "mod error; mod object; pub use error::Error; pub use object::O;",
        ),
        ("error.rs", "pub struct Error;"),
        ("object.rs", "use crate::Error; pub struct O;"),
    ]);
    assert_eq!(modules.cycles(), [["crate", "crate::object"]]);
}
