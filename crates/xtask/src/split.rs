//! Splitting the app's WebAssembly in two, so the live diagram needs only the
//! code it runs.
//!
//! `cargo xtask dist` first builds an instrumented copy of the module
//! ([`instrument`]): every function sets its own exported flag when it first
//! runs. `web/build/profile.mjs` loads that copy in headless Chromium through
//! the visits that draw a live diagram and lists the functions that ran.
//! [`split`] then makes two modules from the original:
//!
//! - the *primary* keeps every function that ran; a function not in the list
//!   that the primary can still reach becomes a stub that makes sure the
//!   secondary is loaded (through a trampoline per signature), then calls the
//!   real function through the function table;
//! - the *secondary* holds the real bodies of those functions. It imports the
//!   primary's memory, tables, globals and the functions it calls, and its one
//!   element segment writes its functions into table slots the primary
//!   reserved.
//!
//! The page starts the secondary's download once the live diagram is drawn; a
//! stub reached before it has arrived loads it synchronously (the glue's
//! `__kp_split` import), so nothing ever waits on a function that is missing,
//! it only waits for the file. Both modules come from one input, so their
//! function order, and so the profile's ordinals, agree.

use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::Path;
use walrus::ir::{UnaryOp, Value};
use walrus::{
    ConstExpr, ElementItems, ElementKind, ExportItem, FunctionBuilder, FunctionId, FunctionKind,
    ImportKind, ImportedFunction, Module, RefType, TableId, ValType,
};

/// Prefix of the flags [`instrument`] exports: `__kp_ran<ordinal>`
/// (`web/build/profile.mjs` reads them by this name).
const RAN: &str = "__kp_ran";
/// The import module of what the secondary takes from the primary.
const PRIMARY: &str = "primary";

/// The name under which the primary exports an item the secondary imports:
/// `$`, the kind (`f`unction, `g`lobal, `m`emory, `t`able) and the item's
/// index in base 36, short because there are hundreds.
fn link_name(kind: char, index: usize) -> String {
    let mut digits = Vec::new();
    let mut n = index;
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    std::iter::once('$')
        .chain(std::iter::once(kind))
        .chain(digits.into_iter().rev())
        .collect()
}

/// The primary's export the page sets to 1 once the secondary is in
/// (`web/build/rest.js` uses it by this name).
const LOADED: &str = "__kp_split_loaded";
/// The primary's import module and function that load the secondary now.
const LOAD_MODULE: &str = "__kp_split";
const LOAD_NAME: &str = "load";

/// The module's functions in index order (imports first), as walrus parsed them.
fn functions(m: &Module) -> Vec<FunctionId> {
    m.funcs.iter().map(|f| f.id()).collect()
}

fn is_local(m: &Module, f: FunctionId) -> bool {
    matches!(m.funcs.get(f).kind, FunctionKind::Local(_))
}

/// A copy of `wasm` in which every defined function, on entry, sets an
/// exported i32 global `__kp_ran<ordinal>` to 1 (ordinal: its function index).
pub(crate) fn instrument(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut m = Module::from_buffer(wasm).context("reading the wasm to instrument")?;
    for (ordinal, f) in functions(&m).into_iter().enumerate() {
        if !is_local(&m, f) {
            continue;
        }
        let flag = m
            .globals
            .add_local(ValType::I32, true, false, ConstExpr::Value(Value::I32(0)));
        m.exports.add(&format!("{RAN}{ordinal}"), flag);
        if let FunctionKind::Local(local) = &mut m.funcs.get_mut(f).kind {
            let mut body = local.builder_mut().func_body();
            body.instr_at(
                0,
                walrus::ir::Const {
                    value: Value::I32(1),
                },
            );
            body.instr_at(1, walrus::ir::GlobalSet { global: flag });
        }
    }
    Ok(m.emit_wasm())
}

/// The primary and secondary modules, with how many functions moved.
pub(crate) struct Split {
    pub primary: Vec<u8>,
    pub secondary: Vec<u8>,
    pub moved: usize,
    pub kept: usize,
}

/// The one table of function references (Rust's indirect-call table).
fn function_table(m: &Module) -> Result<TableId> {
    let tables: Vec<TableId> = m
        .tables
        .iter()
        .filter(|t| t.element_ty == RefType::FUNCREF)
        .map(|t| t.id())
        .collect();
    match tables.as_slice() {
        [t] => Ok(*t),
        _ => bail!(
            "expected one funcref table in the wasm, found {}",
            tables.len()
        ),
    }
}

/// Does this function use a data or element segment (`memory.init`,
/// `data.drop`, `table.init`, `elem.drop`)? The secondary has none of either,
/// so such a function stays in the primary.
fn uses_segments(m: &Module, f: FunctionId) -> bool {
    struct Finder(bool);
    impl<'a> walrus::ir::Visitor<'a> for Finder {
        fn visit_memory_init(&mut self, _: &walrus::ir::MemoryInit) {
            self.0 = true;
        }
        fn visit_data_drop(&mut self, _: &walrus::ir::DataDrop) {
            self.0 = true;
        }
        fn visit_table_init(&mut self, _: &walrus::ir::TableInit) {
            self.0 = true;
        }
        fn visit_elem_drop(&mut self, _: &walrus::ir::ElemDrop) {
            self.0 = true;
        }
    }
    match &m.funcs.get(f).kind {
        FunctionKind::Local(local) => {
            let mut finder = Finder(false);
            walrus::ir::dfs_in_order(&mut finder, local, local.entry_block());
            finder.0
        }
        _ => false,
    }
}

/// The parameter and result types of function `f`.
fn signature(m: &Module, f: FunctionId) -> (Vec<ValType>, Vec<ValType>) {
    let ty = m.types.get(m.funcs.get(f).ty());
    (ty.params().to_vec(), ty.results().to_vec())
}

/// Gives `f` a new body of `params.len()` arguments (`with` writes it).
fn rewrite(
    m: &mut Module,
    f: FunctionId,
    with: impl FnOnce(&mut walrus::InstrSeqBuilder, &[walrus::LocalId]),
) {
    let (params, results) = signature(m, f);
    let args: Vec<_> = params.iter().map(|&p| m.locals.add(p)).collect();
    let mut builder = FunctionBuilder::new(&mut m.types, &params, &results);
    with(&mut builder.func_body(), &args);
    m.funcs.get_mut(f).kind = FunctionKind::Local(builder.local_func(args));
}

/// Replaces `f`'s body with `unreachable` (the garbage collection that follows
/// drops it, as nothing in the primary reaches it).
fn unreachable_body(m: &mut Module, f: FunctionId) {
    rewrite(m, f, |body, _| {
        body.unreachable();
    });
}

/// Adds `slots` entries to the end of a table (and to its maximum, if it has one).
fn grow(m: &mut Module, table: TableId, slots: u64) {
    let t = m.tables.get_mut(table);
    t.initial += slots;
    if let Some(max) = t.maximum.as_mut() {
        *max += slots;
    }
}

/// Of the `moved` functions, those the primary still reaches once their
/// bodies are gone: from the functions it keeps, its own exports, the exports
/// the secondary `needs`, and its function table (which the trampolines use).
/// Only these need a stub and a table slot; the others are called from moved
/// functions alone and live in the secondary only. `split` checks afterwards
/// that the primary reaches no other moved function.
fn reached(wasm: &[u8], moved: &BTreeSet<usize>, needs: &[String]) -> Result<BTreeSet<usize>> {
    let mut m = Module::from_buffer(wasm)?;
    let funcs = functions(&m);
    for &i in moved {
        unreachable_body(&mut m, funcs[i]);
    }
    export_needs(&mut m, &funcs, needs)?;
    let table = function_table(&m)?;
    m.exports.add("$table", table);
    walrus::passes::gc::run(&mut m);
    let alive: std::collections::HashSet<FunctionId> = m.funcs.iter().map(|f| f.id()).collect();
    Ok(moved
        .iter()
        .copied()
        .filter(|&i| alive.contains(&funcs[i]))
        .collect())
}

/// Exports from the primary what the secondary imports (`needs`, names made
/// by [`link_name`] from the input's item indices; `funcs` is the input's
/// function order).
fn export_needs(m: &mut Module, funcs: &[FunctionId], needs: &[String]) -> Result<()> {
    let globals: Vec<_> = m.globals.iter().map(|g| g.id()).collect();
    let memories: Vec<_> = m.memories.iter().map(|mem| mem.id()).collect();
    let tables: Vec<_> = m.tables.iter().map(|t| t.id()).collect();
    for name in needs {
        let (kind, index) = name
            .strip_prefix('$')
            .and_then(|rest| rest.split_at_checked(1))
            .context("unexpected import name in the secondary")?;
        let index = usize::from_str_radix(index, 36).context("import index")?;
        let item = match kind {
            "f" => ExportItem::Function(funcs[index]),
            "g" => ExportItem::Global(globals[index]),
            "m" => ExportItem::Memory(memories[index]),
            "t" => ExportItem::Table(tables[index]),
            _ => bail!("unexpected import {name} in the secondary"),
        };
        m.exports.add(name, item);
    }
    Ok(())
}

/// Makes `existing` (or a new import of `kind`) an import of `name` from the primary.
fn import_from_primary(
    m: &mut Module,
    existing: Option<walrus::ImportId>,
    name: String,
    kind: ImportKind,
) -> walrus::ImportId {
    match existing {
        Some(import) => {
            let entry = m.imports.get_mut(import);
            entry.module = PRIMARY.to_string();
            entry.name = name;
            import
        }
        None => m.imports.add(PRIMARY, &name, kind),
    }
}

/// The secondary module: the `moved` functions' bodies, with everything else
/// they use imported from the primary, and one element segment putting the
/// `stubbed` ones into the function table from slot `base`. Returns the
/// module and the names it imports from the primary.
fn secondary(
    wasm: &[u8],
    moved: &BTreeSet<usize>,
    stubbed: &BTreeSet<usize>,
    base: u64,
) -> Result<(Vec<u8>, Vec<String>)> {
    let mut m = Module::from_buffer(wasm)?;
    let funcs = functions(&m);
    for (i, &f) in funcs.iter().enumerate() {
        if moved.contains(&i) {
            continue;
        }
        let existing = match &m.funcs.get(f).kind {
            FunctionKind::Import(imported) => Some(imported.import),
            _ => None,
        };
        let ty = m.funcs.get(f).ty();
        let import =
            import_from_primary(&mut m, existing, link_name('f', i), ImportKind::Function(f));
        m.funcs.get_mut(f).kind = FunctionKind::Import(ImportedFunction { import, ty });
    }
    let globals: Vec<_> = m.globals.iter().map(|g| g.id()).collect();
    for (i, g) in globals.into_iter().enumerate() {
        let existing = match m.globals.get(g).kind {
            walrus::GlobalKind::Import(import) => Some(import),
            walrus::GlobalKind::Local(_) => None,
        };
        let import =
            import_from_primary(&mut m, existing, link_name('g', i), ImportKind::Global(g));
        m.globals.get_mut(g).kind = walrus::GlobalKind::Import(import);
    }
    // The primary's memory holds the data; its tables hold their entries.
    let data: Vec<_> = m.data.iter().map(|d| d.id()).collect();
    for d in data {
        m.data.delete(d);
    }
    let memories: Vec<_> = m.memories.iter().map(|mem| mem.id()).collect();
    for (i, mem) in memories.into_iter().enumerate() {
        let existing = m.memories.get(mem).import;
        let import =
            import_from_primary(&mut m, existing, link_name('m', i), ImportKind::Memory(mem));
        let memory = m.memories.get_mut(mem);
        memory.import = Some(import);
        memory.data_segments.clear();
    }
    let elements: Vec<_> = m.elements.iter().map(|e| e.id()).collect();
    for e in elements {
        m.elements.delete(e);
    }
    let tables: Vec<_> = m.tables.iter().map(|t| t.id()).collect();
    for (i, t) in tables.into_iter().enumerate() {
        let existing = m.tables.get(t).import;
        let import = import_from_primary(&mut m, existing, link_name('t', i), ImportKind::Table(t));
        let table = m.tables.get_mut(t);
        table.import = Some(import);
        table.elem_segments.clear();
        table.init = None;
    }
    // The primary's function table has grown by the stubs' slots; the import says so.
    let table = function_table(&m)?;
    grow(&mut m, table, stubbed.len() as u64);
    let offset = i32::try_from(base).context("function table too large")?;
    let segment = m.elements.add(
        ElementKind::Active {
            table,
            offset: ConstExpr::Value(Value::I32(offset)),
        },
        ElementItems::Functions(stubbed.iter().map(|&i| funcs[i]).collect()),
    );
    m.tables.get_mut(table).elem_segments.insert(segment);
    let exports: Vec<_> = m.exports.iter().map(|e| e.id()).collect();
    for e in exports {
        m.exports.delete(e);
    }
    m.start = None;
    let customs: Vec<_> = m.customs.iter().map(|(id, _)| id).collect();
    for c in customs {
        m.customs.delete(c);
    }
    walrus::passes::gc::run(&mut m);
    let needed = m
        .imports
        .iter()
        .filter(|i| i.module == PRIMARY)
        .map(|i| i.name.clone())
        .collect();
    Ok((m.emit_wasm(), needed))
}

/// Splits `wasm`: the functions whose ordinals are in `ran` stay in the
/// primary, as do the start function and the functions that use data or
/// element segments; every other defined function moves.
pub(crate) fn split(wasm: &[u8], ran: &BTreeSet<usize>) -> Result<Split> {
    let mut primary = Module::from_buffer(wasm).context("reading the wasm to split")?;
    let funcs = functions(&primary);
    let start = primary.start;
    let moved: BTreeSet<usize> = (0..funcs.len())
        .filter(|&i| {
            let f = funcs[i];
            is_local(&primary, f)
                && !ran.contains(&i)
                && Some(f) != start
                && !uses_segments(&primary, f)
        })
        .collect();
    let kept = funcs.iter().filter(|&&f| is_local(&primary, f)).count() - moved.len();
    if primary.tags.iter().next().is_some() {
        bail!("the wasm declares exception tags, which the split does not share between its parts");
    }
    let table = function_table(&primary)?;
    let base = primary.tables.get(table).initial;
    // What the secondary imports hardly depends on which functions get stubs
    // (only its table import could go); with every moved function in its
    // table segment it imports the most, so the stubs found are a superset.
    let (_, most_needs) = secondary(wasm, &moved, &moved, base)?;
    let stubbed = reached(wasm, &moved, &most_needs)?;
    let (secondary, needs) = secondary(wasm, &moved, &stubbed, base)?;

    // The primary: stubs for the moved functions it reaches, the rest of them
    // gone, and exports for what the secondary imports.
    grow(&mut primary, table, stubbed.len() as u64);
    let loaded =
        primary
            .globals
            .add_local(ValType::I32, true, false, ConstExpr::Value(Value::I32(0)));
    primary.exports.add(LOADED, loaded);
    let load_ty = primary.types.add(&[], &[]);
    let (load, _) = primary.add_import_func(LOAD_MODULE, LOAD_NAME, load_ty);
    // One trampoline per signature: it loads the secondary unless it is in,
    // then calls the slot passed as its last argument. A stub passes its own.
    let mut trampolines: std::collections::HashMap<walrus::TypeId, FunctionId> =
        std::collections::HashMap::new();
    for (k, &i) in stubbed.iter().enumerate() {
        let f = funcs[i];
        let ty = primary.funcs.get(f).ty();
        let trampoline = match trampolines.get(&ty) {
            Some(&t) => t,
            None => {
                let (mut params, results) = signature(&primary, f);
                params.push(ValType::I32);
                let args: Vec<_> = params.iter().map(|&p| primary.locals.add(p)).collect();
                let mut builder = FunctionBuilder::new(&mut primary.types, &params, &results);
                let mut body = builder.func_body();
                body.global_get(loaded).unop(UnaryOp::I32Eqz).if_else(
                    None,
                    |then| {
                        then.call(load);
                    },
                    |_| {},
                );
                for &a in &args {
                    body.local_get(a);
                }
                body.call_indirect(ty, table);
                let t = builder.finish(args, &mut primary.funcs);
                trampolines.insert(ty, t);
                t
            }
        };
        let slot = i32::try_from(base + k as u64).context("function table too large")?;
        rewrite(&mut primary, f, |body, args| {
            for &a in args {
                body.local_get(a);
            }
            body.i32_const(slot).call(trampoline);
        });
    }
    for &i in moved.difference(&stubbed) {
        unreachable_body(&mut primary, funcs[i]);
    }
    export_needs(&mut primary, &funcs, &needs)?;
    walrus::passes::gc::run(&mut primary);
    // A moved function without a stub must be gone: if the primary still
    // reached one, calling it would hit `unreachable`.
    let alive: std::collections::HashSet<FunctionId> =
        primary.funcs.iter().map(|f| f.id()).collect();
    if let Some(i) = moved
        .difference(&stubbed)
        .find(|&&i| alive.contains(&funcs[i]))
    {
        bail!("the split left function {i} reachable in the primary without a stub");
    }
    Ok(Split {
        primary: primary.emit_wasm(),
        secondary,
        moved: moved.len(),
        kept,
    })
}

/// How the secondary module's file name ends (the primary's ends in `_bg.wasm`,
/// as wasm-bindgen names it; each has its own content hash).
const REST: &str = "_rest.wasm";

/// Splits the built site's wasm in place (see the module docs): profiles an
/// instrumented copy in headless Chromium, writes the primary and the
/// secondary under new content-hashed names, teaches the wasm-bindgen glue to
/// load the secondary, and updates `index.html` (names and `integrity`).
pub(crate) fn split_site(env: &crate::tools::Env, dist: &Path) -> Result<()> {
    let index_path = dist.join("index.html");
    let mut html = std::fs::read_to_string(&index_path)?;
    let js_name = attribute(&html, "data-js")?;
    let wasm_name = attribute(&html, "data-wasm")?;
    let wasm = std::fs::read(dist.join(&wasm_name))?;

    // The profile: which functions run before each kind of visit's live diagram.
    let instrumented = instrument(&wasm)?;
    std::fs::write(dist.join(&wasm_name), &instrumented)?;
    std::fs::write(
        &index_path,
        set_integrity(&html, &wasm_name, &instrumented)?,
    )?;
    let ran_path = crate::root().join("target/split-profile.txt");
    let profiled = crate::run(
        env.command("node")
            .arg("build/profile.mjs")
            .arg(dist)
            .arg(&ran_path)
            .current_dir(crate::root().join("web")),
    );
    std::fs::write(dist.join(&wasm_name), &wasm)?;
    std::fs::write(&index_path, &html)?;
    profiled.context("profiling the instrumented wasm in Chromium (web/build/profile.mjs)")?;
    let ran: BTreeSet<usize> = std::fs::read_to_string(&ran_path)?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .context("reading the profile")?;
    let out = split(&wasm, &ran)?;

    let primary_name = format!("kubeplay-web-{}_bg.wasm", short_hash(&out.primary));
    let rest_name = format!("kubeplay-web-{}{REST}", short_hash(&out.secondary));
    let glue = std::fs::read_to_string(dist.join(&js_name))?;
    let glue = minify(env, &patch_glue(&glue, &rest_name, &out.secondary)?)?;
    let glue_name = format!("kubeplay-web-{}.js", short_hash(glue.as_bytes()));
    std::fs::remove_file(dist.join(&wasm_name))?;
    std::fs::remove_file(dist.join(&js_name))?;
    std::fs::write(dist.join(&primary_name), &out.primary)?;
    std::fs::write(dist.join(&rest_name), &out.secondary)?;
    std::fs::write(dist.join(&glue_name), &glue)?;
    html = html
        .replace(&wasm_name, &primary_name)
        .replace(&js_name, &glue_name);
    html = set_integrity(&html, &primary_name, &out.primary)?;
    html = set_integrity(&html, &glue_name, glue.as_bytes())?;
    std::fs::write(&index_path, html)?;
    println!(
        "split the wasm: {} functions ran before a live diagram and stay in {primary_name} ({} bytes); {} moved to {rest_name} ({} bytes), loaded once the diagram is drawn",
        out.kept,
        out.primary.len(),
        out.moved,
        out.secondary.len()
    );
    Ok(())
}

/// `script` (an ES module) minified by esbuild, as the editor bundle is: the
/// wasm-bindgen glue comes before the live diagram, and minified it is 2 kB
/// (gzip) smaller.
fn minify(env: &crate::tools::Env, script: &str) -> Result<String> {
    let dir = crate::root().join("target/split");
    std::fs::create_dir_all(&dir)?;
    let (input, output) = (dir.join("glue.js"), dir.join("glue.min.js"));
    std::fs::write(&input, script)?;
    crate::run(
        env.command("esbuild")
            .arg(&input)
            .args(["--minify", "--format=esm", "--log-level=warning"])
            .arg(format!("--outfile={}", output.display())),
    )
    .context("minifying the wasm-bindgen glue with esbuild")?;
    Ok(std::fs::read_to_string(&output)?)
}

/// The value of the first `name="..."` attribute in `html`.
fn attribute(html: &str, name: &str) -> Result<String> {
    let start = html
        .find(&format!("{name}=\""))
        .with_context(|| format!("dist/index.html has no {name} attribute"))?
        + name.len()
        + 2;
    let len = html[start..]
        .find('"')
        .context("unterminated attribute in dist/index.html")?;
    Ok(html[start..start + len].to_string())
}

/// 16 hex digits of the SHA-256 of `bytes`: a file name that changes with its content.
fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes)[..8])
}

/// A Subresource Integrity value for `bytes` (`sha384-<base64>`).
fn integrity(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!(
        "sha384-{}",
        data_encoding::BASE64.encode(&sha2::Sha384::digest(bytes))
    )
}

/// Replaces the `integrity` of the `<link>` whose `href` names `file` with the
/// SHA-384 of `bytes` (trunk wrote one for the file before the split changed it).
fn set_integrity(html: &str, file: &str, bytes: &[u8]) -> Result<String> {
    let href = format!("href=\"./{file}\"");
    let Some(at) = html.find(&href) else {
        return Ok(html.to_string());
    };
    let tag_end = at + html[at..].find('>').context("unterminated <link>")?;
    let tag = &html[at..tag_end];
    let Some(i) = tag.find("integrity=\"") else {
        return Ok(html.to_string());
    };
    let value_start = at + i + "integrity=\"".len();
    let value_end = value_start
        + html[value_start..]
            .find('"')
            .context("unterminated integrity")?;
    Ok(format!(
        "{}{}{}",
        &html[..value_start],
        integrity(bytes),
        &html[value_end..]
    ))
}

/// Adds to the wasm-bindgen glue what loads the secondary module: the
/// primary's `__kp_split.load` import (now, synchronously: a stub was reached
/// before the file arrived) and a download started by the app's
/// `kubeplay:drawn` event (the live diagram is on screen).
fn patch_glue(glue: &str, rest_name: &str, rest: &[u8]) -> Result<String> {
    let imports = glue
        .find("function __wbg_get_imports()")
        .context("the wasm-bindgen glue has no __wbg_get_imports")?;
    let anchor = "    return {\n        __proto__: null,\n";
    let at = imports
        + glue[imports..]
            .find(anchor)
            .context("the wasm-bindgen glue's imports object changed shape")?
        + anchor.len();
    let loader = include_str!("../../../web/build/rest.js")
        .replace("REST_FILE", rest_name)
        .replace("REST_INTEGRITY", &integrity(rest));
    Ok(format!(
        "{}        {LOAD_MODULE}: {{ __proto__: null, {LOAD_NAME}: kpRestNow }},\n{}\n{loader}",
        &glue[..at],
        &glue[at..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use walrus::ir::{BinaryOp, LoadKind, MemArg, StoreKind};

    /// Puts `f` in slot 0 of `table`, as Rust's vtables do.
    fn fill_first_slot(m: &mut Module, table: TableId, f: FunctionId) {
        let segment = m.elements.add(
            ElementKind::Active {
                table,
                offset: ConstExpr::Value(Value::I32(0)),
            },
            ElementItems::Functions(vec![f]),
        );
        m.tables.get_mut(table).elem_segments.insert(segment);
    }

    /// The index of the function named `name` in `wasm`.
    fn ordinal(wasm: &[u8], name: &str) -> usize {
        let parsed = Module::from_buffer(wasm).expect("the test module parses");
        functions(&parsed)
            .iter()
            .position(|&f| parsed.funcs.get(f).name.as_deref() == Some(name))
            .expect("function present")
    }

    /// A module like the app's in miniature: `a` (exported) calls `b` and,
    /// through the function table, `d`; `b` calls `c` and reads a global; `c`
    /// uses the memory. `a()` is 7 + 100 + 5.
    fn module() -> (Vec<u8>, [usize; 4]) {
        let mut m = Module::default();
        let memory = m.memories.add_local(false, false, 1, None, None);
        m.exports.add("memory", memory);
        let global =
            m.globals
                .add_local(ValType::I32, true, false, ConstExpr::Value(Value::I32(100)));
        let table = m.tables.add_local(false, 1, Some(1), RefType::FUNCREF);
        let unit = m.types.add(&[], &[ValType::I32]);
        let arg = MemArg {
            align: 4,
            offset: 0,
        };
        let mut c = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        c.func_body()
            .i32_const(16)
            .i32_const(7)
            .store(memory, StoreKind::I32 { atomic: false }, arg)
            .i32_const(16)
            .load(memory, LoadKind::I32 { atomic: false }, arg);
        c.name("c".into());
        let c = c.finish(vec![], &mut m.funcs);
        let mut b = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        b.func_body()
            .call(c)
            .global_get(global)
            .binop(BinaryOp::I32Add);
        b.name("b".into());
        let b = b.finish(vec![], &mut m.funcs);
        let mut d = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        d.func_body().i32_const(5);
        d.name("d".into());
        let d = d.finish(vec![], &mut m.funcs);
        let mut a = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        a.func_body()
            .call(b)
            .i32_const(0)
            .call_indirect(unit, table)
            .binop(BinaryOp::I32Add);
        a.name("a".into());
        let a = a.finish(vec![], &mut m.funcs);
        m.exports.add("a", a);
        fill_first_slot(&mut m, table, d);
        let wasm = m.emit_wasm();
        let ordinals = ["a", "b", "c", "d"].map(|name| ordinal(&wasm, name));
        (wasm, ordinals)
    }

    /// Runs `script` with Node.js (which `cargo xtask` needs anyway), with
    /// the given files' paths as its arguments; returns its standard output.
    fn node(script: &str, files: &[(&str, &[u8])]) -> String {
        // Tests run in parallel: each call gets its own folder.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("kubeplay-split-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut cmd = std::process::Command::new("node");
        cmd.args(["--input-type=module", "-e", script, "--"]);
        for (name, bytes) in files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write wasm");
            cmd.arg(path);
        }
        let out = cmd.output().expect("node runs");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn instrumented_functions_report_that_they_ran() {
        let (wasm, [a, b, c, d]) = module();
        let instrumented = instrument(&wasm).expect("instrument");
        let ran = node(
            r#"
            import { readFileSync } from "node:fs";
            const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[1]));
            const before = Object.keys(instance.exports).filter((k) => k.startsWith("__kp_ran") && instance.exports[k].value);
            console.log(instance.exports.a(), before.length);
            console.log(Object.keys(instance.exports).filter((k) => k.startsWith("__kp_ran") && instance.exports[k].value).map((k) => k.slice(8)).sort().join(" "));
            "#,
            &[("instrumented.wasm", &instrumented)],
        );
        let mut expected = [a, b, c, d].map(|n| n.to_string());
        expected.sort();
        assert_eq!(ran, format!("112 0\n{}", expected.join(" ")));
    }

    #[test]
    fn split_modules_run_as_the_original_and_load_the_rest_once() {
        let (wasm, [a, ..]) = module();
        let out = split(&wasm, &BTreeSet::from([a])).expect("split");
        assert_eq!((out.kept, out.moved), (1, 3));
        // `c` is reached from `b` alone: no stub, no table slot for it.
        let primary = Module::from_buffer(&out.primary).expect("primary parses");
        let secondary = Module::from_buffer(&out.secondary).expect("secondary parses");
        let local = |m: &Module| {
            m.funcs
                .iter()
                .filter(|f| matches!(f.kind, FunctionKind::Local(_)))
                .count()
        };
        // a, the stubs of b and d, one trampoline.
        assert_eq!(local(&primary), 4);
        assert_eq!(local(&secondary), 3);
        let segment = secondary.elements.iter().next().expect("one segment");
        match (&segment.kind, &segment.items) {
            (ElementKind::Active { offset, .. }, ElementItems::Functions(f)) => {
                assert!(matches!(offset, ConstExpr::Value(Value::I32(1))));
                assert_eq!(f.len(), 2);
            }
            _ => panic!("the secondary's segment is not an active list of functions"),
        }
        assert_eq!(run_split(&out), "112 112 1");
    }

    /// Runs the split's `a()` twice in Node, the primary loading the
    /// secondary when a stub asks; "first second loads".
    fn run_split(out: &Split) -> String {
        node(
            r#"
            import { readFileSync } from "node:fs";
            let loads = 0;
            const imports = { __kp_split: { load() {
                loads++;
                new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[2])), { primary: instance.exports });
                instance.exports.__kp_split_loaded.value = 1;
            } } };
            const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[1]), imports);
            const first = instance.exports.a();
            console.log(first, instance.exports.a(), loads);
            "#,
            &[
                ("primary.wasm", &out.primary),
                ("secondary.wasm", &out.secondary),
            ],
        )
    }

    /// The function table used by moved code only, with a moved function in
    /// it: once split, the primary's trampolines use the table, so that slot
    /// must hold a stub (a review found it kept an `unreachable` body).
    /// `a` calls `m`, which calls `d` (5) through the table.
    #[test]
    fn a_table_only_moved_code_uses_gets_stubs_in_its_slots() {
        let mut m = Module::default();
        let memory = m.memories.add_local(false, false, 1, None, None);
        m.exports.add("memory", memory);
        let table = m.tables.add_local(false, 1, Some(1), RefType::FUNCREF);
        let unit = m.types.add(&[], &[ValType::I32]);
        let mut d = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        d.func_body().i32_const(5);
        d.name("d".into());
        let d = d.finish(vec![], &mut m.funcs);
        let mut moved = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        moved.func_body().i32_const(0).call_indirect(unit, table);
        let moved = moved.finish(vec![], &mut m.funcs);
        let mut a = FunctionBuilder::new(&mut m.types, &[], &[ValType::I32]);
        a.func_body().call(moved);
        a.name("a".into());
        let a = a.finish(vec![], &mut m.funcs);
        m.exports.add("a", a);
        fill_first_slot(&mut m, table, d);
        let wasm = m.emit_wasm();
        let a = ordinal(&wasm, "a");
        let out = split(&wasm, &BTreeSet::from([a])).expect("split");
        assert_eq!(run_split(&out), "5 5 1");
    }

    #[test]
    fn link_names_are_short_and_distinct() {
        assert_eq!(link_name('f', 0), "$f0");
        assert_eq!(link_name('f', 35), "$fz");
        assert_eq!(link_name('g', 36), "$g10");
        assert_eq!(
            usize::from_str_radix(&link_name('t', 1295)[2..], 36),
            Ok(1295)
        );
    }
}
