// geosim's compiled core for Python (`import geosim`; the package beside this file wraps it): scenarios
// loaded and validated as `geosim run` loads them, a World stepped month by month whose outputs come
// back as columns, its state saved and restored for branches, and read-only numpy views of the adopter
// arrays, without copies.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/discovery/prim.h"
#include "analysis/discovery/tree.h"
#include "core/bytes.h"
#include "core/memory.h"
#include "model/key_path.h"
#include "model/output_catalog.h"
#include "model/parameters.h"
#include "model/population.h"
#include "model/world.h"
#include "scenario/diagnostics.h"
#include "scenario/loader.h"
#include "scenario/yaml_text.h"

namespace py = pybind11;

namespace {

using Sets = std::vector<std::pair<std::string, std::string>>;

/// A refused scenario as one message: every problem on its own line (file:line:column: message).
std::string refusal_text(const geosim::DiagnosticError& e) {
  std::string out = "scenario refused:";
  for (const auto& d : e.diagnostics()) out += "\n  " + d.str();
  return out;
}

/// Runs `f`, turning geosim's refusals into Python's ValueError with their messages.
template <class F>
auto checked(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const geosim::DiagnosticError& e) {
    throw py::value_error(refusal_text(e));
  }
}

std::vector<geosim::Override> overrides_of(const Sets& sets) {
  std::vector<geosim::Override> out;
  for (const auto& [path, value] : sets) out.push_back(geosim::Override{path, value, geosim::Mark{"set " + path + "=" + value, 0, 0}, std::nullopt});
  return out;
}

/// Every parameter of a scenario by key path ("labs.deepseek.open"), as the schema reads it.
py::dict parameter_values(const geosim::ScenarioDef& def) {
  py::dict out;
  for (const auto& k : geosim::schema()) {
    if (!k.get || k.owner() == geosim::AgentList::events || k.owner() == geosim::AgentList::claims) continue;
    const bool top = k.owner() == geosim::AgentList::none;
    const std::size_t n = top ? 1 : geosim::agent_count(def, k.owner());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string path = geosim::key_path_of(k, top ? std::string() : geosim::agent_id(def, k.owner(), i));
      out[py::str(path)] = py::cast(k.get(def, i));
    }
  }
  return out;
}

/// Ids of one agent list.
std::vector<std::string> ids(const geosim::ScenarioDef& def, geosim::AgentList list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < geosim::agent_count(def, list); ++i) out.push_back(geosim::agent_id(def, list, i));
  return out;
}

/// Text ids as small integer codes, in order of first appearance; the codes never change, so columns
/// of codes collected over many steps share one table.
class Codes {
 public:
  std::int32_t code(const std::string& text) {
    auto [it, added] = index_.try_emplace(text, static_cast<std::int32_t>(texts_.size()));
    if (added) texts_.push_back(text);
    return it->second;
  }
  const std::vector<std::string>& texts() const { return texts_; }

 private:
  std::unordered_map<std::string, std::int32_t> index_;
  std::vector<std::string> texts_;
};

/// A World with the thread count it runs at and the code tables of its output columns.
struct PyWorld {
  std::unique_ptr<geosim::World> world;
  int threads = 0;
  Codes scopes, metrics;

  PyWorld(const geosim::ScenarioDef& def, int threads_) : threads(threads_) {
    if (threads < 0) throw py::value_error("threads must be 0 (all cores) or more, got " + std::to_string(threads));
    if (auto shortfall = geosim::memory_shortfall(geosim::estimate_memory(def)))
      throw py::value_error("scenario refused: " + std::to_string(def.population.adopters) + " adopters " + *shortfall +
                            "; lower population.adopters (or the network degree)");
    world = std::make_unique<geosim::World>(def);
  }

  /// Simulates up to `months` months (fewer at the end) with the GIL released; returns their outputs
  /// as columns (month offset from the start, scope code, metric code, value) and whether Ctrl-C
  /// stopped it early: between months the interpreter's signal handlers run, and an interrupt ends
  /// the step with the months done so far kept (the Python side then raises KeyboardInterrupt).
  py::tuple step(int months) {
    if (months < 0) throw py::value_error("months must be 0 or more, got " + std::to_string(months));
    std::vector<std::int32_t> month, scope, metric;
    std::vector<double> value;
    bool interrupted = false;
    {
      py::gil_scoped_release release;
      const int n = threads > 0 ? threads : tbb::info::default_concurrency();
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(n));
      for (int done = 0; done < months && !world->done() && !interrupted; ++done) {
        world->step();
        const std::int32_t m = world->months_done() - 1;
        for (const auto& r : world->outputs()) {
          month.push_back(m), scope.push_back(scopes.code(r.scope)), metric.push_back(metrics.code(r.metric));
          value.push_back(r.value);
        }
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) PyErr_Clear(), interrupted = true;
      }
    }
    return py::make_tuple(py::array_t<std::int32_t>(static_cast<py::ssize_t>(month.size()), month.data()),
                          py::array_t<std::int32_t>(static_cast<py::ssize_t>(scope.size()), scope.data()),
                          py::array_t<std::int32_t>(static_cast<py::ssize_t>(metric.size()), metric.data()),
                          py::array_t<double>(static_cast<py::ssize_t>(value.size()), value.data()), interrupted);
  }

  /// Schedules `changes` (key path, YAML value) for next month, checked as a scenario checks an event:
  /// the scenario in force, with the event added, is loaded again, and the event taken from it.
  std::string add_event(const Sets& changes, const std::string& id) {
    if (world->done()) throw py::value_error("the run has ended: no month is left to change");
    if (changes.empty()) throw py::value_error("an event needs at least one change");
    const geosim::Month at = world->params().start + world->months_done();
    geosim::ScenarioDef base = world->params();
    base.events.clear();  // those already applied stand in the parameters; later ones are the world's
    std::string text = geosim::resolved_yaml(base);
    if (text.find("\nevents:") == std::string::npos) text += "events:\n";
    else text.resize(text.find("\nevents:") + 1), text += "events:\n";
    text += "  - at: \"" + at.str() + "\"\n    id: " + id + "\n    note: set from Python\n    set:\n";
    for (const auto& [path, value] : changes) {
      // As flow YAML on one line, whatever form the value was written in.
      const geosim::Node parsed = checked([&] { return geosim::parse_yaml(value, "value of " + path); });
      text += "      " + geosim::yaml_quoted(path) + ": " + geosim::node_yaml(parsed) + "\n";
    }
    const geosim::ScenarioDef def = checked([&] { return geosim::load_scenario_text(text, "set from Python"); });
    for (const auto& ev : def.events)
      if (ev.id == id) {
        world->add_event(ev);
        return at.str();
      }
    throw std::logic_error("the event set from Python was not loaded");
  }
};

/// A read-only numpy view of one of the world's arrays; the array keeps the world alive.
template <class T>
py::array view(py::handle owner, const std::vector<T>& v) {
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(v.size())}, {static_cast<py::ssize_t>(sizeof(T))}, v.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

}  // namespace

PYBIND11_MODULE(_geosim, m) {
  m.doc() = "geosim's compiled core: scenarios, worlds, outputs (use the geosim package, which wraps it)";
  m.attr("no_model") = geosim::no_model;

  py::class_<geosim::ScenarioDef>(m, "Scenario", "A scenario, loaded and validated as geosim run loads it")
      .def_readonly("name", &geosim::ScenarioDef::name)
      .def_readonly("description", &geosim::ScenarioDef::description)
      .def_readonly("months", &geosim::ScenarioDef::months)
      .def_readonly("seed", &geosim::ScenarioDef::seed)
      .def_property_readonly("start", [](const geosim::ScenarioDef& d) { return d.start.str(); })
      .def_property_readonly("adopters", [](const geosim::ScenarioDef& d) { return d.population.adopters; })
      .def_property_readonly("nations", [](const geosim::ScenarioDef& d) { return ids(d, geosim::AgentList::nations); })
      .def_property_readonly("labs", [](const geosim::ScenarioDef& d) { return ids(d, geosim::AgentList::labs); })
      .def_property_readonly("lines", [](const geosim::ScenarioDef& d) {
        std::vector<std::string> out;
        for (std::size_t l = 0; l < d.labs.size() + d.lines.size(); ++l) out.push_back(geosim::line_id(d, l));
        return out;
      }, "Every model line: each lab's main line (the lab's id), then the further lines")
      .def_property_readonly("chipmakers", [](const geosim::ScenarioDef& d) { return ids(d, geosim::AgentList::chipmakers); })
      .def_property_readonly("events", [](const geosim::ScenarioDef& d) {
        std::vector<std::tuple<std::string, std::string, std::string>> out;
        for (const auto& e : d.events)
          if (!e.when) out.emplace_back(e.at.str(), e.id, e.note);
        return out;
      }, "The dated events as (month, id, note); triggered events fire by a condition, at no fixed month")
      .def("parameters", &parameter_values, "Every parameter by key path (as events and --set name them)")
      .def("resolved_yaml", [](const geosim::ScenarioDef& d) { return geosim::resolved_yaml(d); },
           "The scenario with every key, as scenario.resolved.yaml holds it")
      .def("with_horizon", [](geosim::ScenarioDef d, int months) {
        if (months < 1 || months > 1200) throw py::value_error("months must be a whole number in [1, 1200], got " + std::to_string(months));
        geosim::set_horizon(d, months);
        return d;
      }, py::arg("months"), "A copy simulating `months` months (events after the new end are dropped), as geosim run --months");

  m.def("load", [](const std::string& path, const Sets& sets) { return checked([&] { return geosim::load_scenario(path, overrides_of(sets)); }); },
        py::arg("path"), py::arg("sets") = Sets{},
        "Loads a scenario file, follows extends, applies (key path, YAML value) overrides as --set does");
  m.def("load_text", [](const std::string& text, const std::string& name, const std::string& base_dir, const Sets& sets) {
    return checked([&] { return geosim::load_scenario_text(text, name, base_dir, overrides_of(sets)); });
  }, py::arg("text"), py::arg("name"), py::arg("base_dir") = ".", py::arg("sets") = Sets{},
        "Loads a scenario from YAML text named `name` (its default scenario name); extends resolve against base_dir");
  m.def("schema", [] {
    std::vector<py::dict> out;
    for (const auto& k : geosim::schema()) {
      py::dict d;
      d["path"] = k.path, d["type"] = geosim::describe_expected(k), d["default"] = k.default_text, d["unit"] = k.unit, d["meaning"] = k.doc;
      d["settable"] = k.settable;
      out.push_back(d);
    }
    return out;
  }, "Every scenario key as declared (path, type and range, default as YAML, unit, meaning, settable by an event)");
  m.def("metrics", [] {
    std::vector<py::dict> out;
    for (const auto& s : geosim::metric_catalog()) {
      py::dict d;
      d["name"] = s.name, d["scope"] = std::string(geosim::scope_prefix(s.scope)), d["unit"] = s.unit;
      d["meaning"] = s.meaning, d["definition"] = s.definition;
      out.push_back(d);
    }
    return out;
  }, "Every output metric as declared (name, scope prefix, unit, meaning, definition)");

  m.def("describe", [](const std::string& scope, const std::string& metric) {
    geosim::ScopeKind kind;
    if (!geosim::scope_kind_of(scope, kind))
      throw py::value_error("'" + scope + "' is not a scope (world, sector:<id>, without:<id>, nation:<id>, lab:<id>, line:<id>, chipmaker:<id>)");
    if (const geosim::MetricSpec* s = geosim::find_metric(scope, metric)) {
      py::dict d;
      d["name"] = s->name, d["unit"] = s->unit, d["meaning"] = s->meaning, d["definition"] = s->definition;
      return d;
    }
    throw py::value_error("no metric '" + metric + "' is declared for scope '" + scope + "' (geosim.metrics() lists them)");
  }, py::arg("scope"), py::arg("metric"), "The declaration of an output row's metric (name as declared, unit, meaning, definition)");

  py::class_<PyWorld>(m, "World", "A simulation stepped month by month")
      .def(py::init([](const geosim::ScenarioDef& def, int threads) { return checked([&] { return std::make_unique<PyWorld>(def, threads); }); }),
           py::arg("scenario"), py::arg("threads") = 0)
      .def("step", &PyWorld::step, py::arg("months") = 1,
           "Simulates up to `months` months; returns their outputs as columns (month offset, scope code, metric code, value) "
           "and whether an interrupt (Ctrl-C) stopped it early")
      .def_property_readonly("scope_texts", [](const PyWorld& w) { return w.scopes.texts(); }, "The texts of the scope codes")
      .def_property_readonly("metric_texts", [](const PyWorld& w) { return w.metrics.texts(); }, "The texts of the metric codes")
      .def("code", [](PyWorld& w, const std::string& kind, const std::string& text) {
        if (kind == "scope") return w.scopes.code(text);
        if (kind == "metric") return w.metrics.code(text);
        throw py::value_error("kind is 'scope' or 'metric', not '" + kind + "'");
      }, py::arg("kind"), py::arg("text"), "The code of a scope or metric text in this world's output columns")
      .def_property_readonly("done", [](const PyWorld& w) { return w.world->done(); })
      .def_property_readonly("months_done", [](const PyWorld& w) { return w.world->months_done(); })
      .def_property_readonly("threads", [](const PyWorld& w) { return w.threads > 0 ? w.threads : tbb::info::default_concurrency(); })
      .def_property_readonly("scenario", [](const PyWorld& w) { return w.world->params(); },
                             "The scenario in force: parameters as they stand now, with the events still to come")
      .def("events_applied", [](const PyWorld& w) {
        std::vector<std::tuple<std::string, std::string, std::string>> out;
        for (const auto& a : w.world->event_log())
          out.emplace_back(a.at.str(), w.world->params().events[a.event].id, a.triggered ? "trigger" : "date");
        return out;
      }, "Every event applied so far as (month, id, fired_by: 'date' or 'trigger'), as events.csv lists them")
      .def("add_event", &PyWorld::add_event, py::arg("changes"), py::arg("id"),
           "Schedules (key path, YAML value) changes for next month as an event with this id; returns that month (YYYY-MM)")
      .def("save_state", [](const PyWorld& w) {
        geosim::ByteWriter out;
        w.world->save_state(out);
        return py::bytes(out.data());
      }, "The whole changing state as bytes")
      .def("load_state", [](PyWorld& w, const py::bytes& state, std::optional<geosim::ScenarioDef> history) {
        const std::string data = state;
        try {
          geosim::ByteReader in(data);
          w.world->load_state(in, history ? &*history : nullptr);
        } catch (const std::runtime_error& e) {
          throw py::value_error(std::string("cannot restore the state: ") + e.what());
        }
      }, py::arg("state"), py::arg("history") = py::none(),
           "Restores a state saved by a world of the same scenario's population; with the scenario that world followed (history), "
           "every parameter on which this world's scenario differs from it takes this world's value (a what-if branch)")
      .def("option_labels", [](const PyWorld& w) {
        const auto& d = w.world->params();
        const std::size_t L = d.labs.size() + d.lines.size();
        std::vector<std::string> out;
        for (std::size_t o = 0; o < geosim::option_count(L); ++o) out.push_back(geosim::line_id(d, o % L) + (o < L ? "" : " (frozen)"));
        return out;
      }, "What each adopter choice code names: a line's current version, then its frozen open version")
      .def("adopters", [](py::object self) {
        const PyWorld& w = self.cast<const PyWorld&>();
        const auto& p = w.world->population();
        py::dict d;
        d["nation"] = view(self, p.nation);
        d["sector"] = view(self, p.sector);
        d["risk"] = view(self, p.risk);
        d["choice"] = view(self, p.choice[p.cur]);
        d["weight"] = view(self, p.weight[p.cur]);
        return d;
      }, "Read-only numpy views of the adopter arrays as they stand after the last month, without copies")
      .def("network", [](py::object self) {
        const auto& n = self.cast<const PyWorld&>().world->network();
        py::dict d;
        d["offsets"] = view(self, n.offsets);
        d["neighbours"] = view(self, n.neighbours);
        d["row_length"] = n.row_length;
        return d;
      }, "Read-only numpy views of the adopter network (rows of neighbour indices)");

  // ---- Scenario discovery (analysis/discovery, docs/discovery.md): PRIM boxes and a CART tree ----------
  // x arrives as a 2-D float64 array (rows = cases), y as a 1-D array of 0/1 or booleans; the package's
  // geosim/discovery.py takes numpy arrays or pandas frames and passes them on.
  using Cases = py::array_t<double, py::array::c_style | py::array::forcecast>;
  const auto matrix_of = [](const Cases& x) {
    if (x.ndim() != 2) throw py::value_error("x must be a 2-D array (rows = cases, columns = parameters), got " + std::to_string(x.ndim()) + " dimensions");
    const auto r = x.unchecked<2>();
    Eigen::MatrixXd out(r.shape(0), r.shape(1));
    for (py::ssize_t i = 0; i < r.shape(0); ++i)
      for (py::ssize_t j = 0; j < r.shape(1); ++j) out(i, j) = r(i, j);
    return out;
  };
  const auto outcomes_of = [](const Cases& y) {
    if (y.ndim() != 1) throw py::value_error("y must be a 1-D array (one outcome per case), got " + std::to_string(y.ndim()) + " dimensions");
    const auto r = y.unchecked<1>();
    std::vector<bool> out;
    for (py::ssize_t i = 0; i < r.shape(0); ++i) {
      if (r(i) != 0 && r(i) != 1) throw py::value_error("y must hold 0/1 or booleans: case " + std::to_string(i) + " is " + std::to_string(r(i)));
      out.push_back(r(i) == 1);
    }
    return out;
  };
  const auto box_dict = [](const geosim::discovery::Box& b) {
    py::dict d;
    d["lower"] = b.lower, d["upper"] = b.upper, d["coverage"] = b.coverage, d["density"] = b.density, d["support"] = b.support;
    d["restricted"] = b.restricted, d["cases"] = b.cases, d["of_interest"] = b.of_interest;
    return d;
  };
  m.def("prim", [=](const Cases& x, const Cases& y, double peel_alpha, double paste_alpha, double min_support) {
    const Eigen::MatrixXd cases = matrix_of(x);
    const std::vector<bool> interest = outcomes_of(y);
    const geosim::discovery::PrimOptions o{peel_alpha, paste_alpha, min_support};
    py::list trajectory, pasted;
    for (const auto& box : geosim::discovery::prim_peel(cases, interest, o)) {
      trajectory.append(box_dict(box));
      pasted.append(box_dict(geosim::discovery::prim_paste(cases, interest, box, o)));
    }
    py::dict out;
    out["trajectory"] = trajectory, out["pasted"] = pasted;
    return out;
  }, py::arg("x"), py::arg("y"), py::arg("peel_alpha") = 0.05, py::arg("paste_alpha") = 0.05, py::arg("min_support") = 0.05,
        "PRIM's peeling trajectory over cases x (rows) with outcomes y (0/1): {trajectory, pasted}, each a list of boxes "
        "{lower, upper, coverage, density, support, restricted, cases, of_interest}; pasted[i] is trajectory[i] pasted");
  m.def("choose_box", [](const std::vector<py::dict>& trajectory, double min_coverage) {
    std::vector<geosim::discovery::Box> boxes;
    for (const py::dict& d : trajectory) {
      geosim::discovery::Box b;
      b.lower = d["lower"].cast<std::vector<double>>(), b.upper = d["upper"].cast<std::vector<double>>();
      b.coverage = d["coverage"].cast<double>(), b.density = d["density"].cast<double>(), b.support = d["support"].cast<double>();
      b.restricted = d["restricted"].cast<std::size_t>(), b.cases = d["cases"].cast<std::size_t>(), b.of_interest = d["of_interest"].cast<std::size_t>();
      boxes.push_back(std::move(b));
    }
    return geosim::discovery::choose_box(boxes, min_coverage);
  }, py::arg("trajectory"), py::arg("min_coverage") = 0.5,
        "The index of the densest box with coverage >= min_coverage; ties to fewer restricted dimensions, then the earlier box");
  m.def("tree", [=](const Cases& x, const Cases& y, int max_depth, int min_samples_leaf, const std::vector<std::string>& names) {
    if (max_depth < 1 || min_samples_leaf < 1)
      throw py::value_error("a tree needs max_depth >= 1 and min_samples_leaf >= 1, got " + std::to_string(max_depth) + " and " +
                            std::to_string(min_samples_leaf));
    const auto nodes = geosim::discovery::grow_tree(matrix_of(x), outcomes_of(y),
                                                    {static_cast<std::size_t>(max_depth), static_cast<std::size_t>(min_samples_leaf)});
    std::vector<int> feature, left, right;
    std::vector<double> threshold;
    std::vector<std::size_t> count0, count1, depth;
    std::vector<bool> tied;
    for (const auto& n : nodes) {
      feature.push_back(n.feature), threshold.push_back(n.threshold), left.push_back(n.left), right.push_back(n.right);
      count0.push_back(n.count0), count1.push_back(n.count1), depth.push_back(n.depth), tied.push_back(n.tied);
    }
    py::dict out;
    out["feature"] = feature, out["threshold"] = threshold, out["left"] = left, out["right"] = right;
    out["count0"] = count0, out["count1"] = count1, out["depth"] = depth, out["tied"] = tied, out["text"] = geosim::discovery::tree_text(nodes, names);
    return out;
  }, py::arg("x"), py::arg("y"), py::arg("max_depth") = 3, py::arg("min_samples_leaf") = 1, py::arg("names") = std::vector<std::string>{},
        "A CART tree (Gini) as scikit-learn's DecisionTreeClassifier grows it, nodes in sklearn's order: {feature (-1 for a leaf), "
        "threshold (x <= threshold goes left), left, right, count0, count1, depth, tied (another parameter splits the node as well; "
        "the lowest-numbered is taken), text (rules named by names)}");
}
