// netforge's dashboard: one Alpine.js component over the service's own API (the same calls curl makes).
// Pages by the URL's hash: #/ (datasets, upload, models), #/datasets/{id}, #/models/{id}, #/experiments[/{id}],
// #/searches[/{id}].
document.addEventListener('alpine:init', () => {
  Alpine.data('dashboard', () => ({
    route: { page: 'home', id: null },
    error: '',
    busy: false,
    dragging: false,
    datasets: [],
    models: [],
    experiments: [],
    dataset: null,
    model: null,
    experiment: null,
    searches: [],
    search: null,
    options: null,      // GET /training/options: tasks and their metrics, every option's choices, defaults
    curve: [],          // [iteration, loss] of the model page, from the model and its live events
    prediction: '',
    streams: {},        // model id -> EventSource, for the models shown

    start() {
      window.addEventListener('hashchange', () => this.navigate(true));
      this.get('/training/options').then(options => { this.options = options; }).catch(e => { this.error = e.message; });
      this.navigate(false);
    },

    // moveFocus: after a navigation within the page, focus goes to the new content (as a page load would put it
    // at the top); on the first load it stays where the browser puts it, so the first Tab reaches the skip link
    async navigate(moveFocus) {
      this.closeStreams();
      this.error = '';
      this.prediction = '';
      // the page shows nothing of the previous one while the next loads (a model page must not show the last model)
      this.dataset = null;
      this.model = null;
      this.experiment = null;
      this.search = null;
      const parts = (location.hash.replace(/^#\/?/, '') || '').split('/').filter(Boolean);
      const [section, id] = parts;
      try {
        if (section === 'datasets' && id) {
          this.route = { page: 'dataset', id };
          this.dataset = await this.get('/datasets/' + id);
          this.datasets = await this.get('/datasets');
        } else if (section === 'models' && id) {
          this.route = { page: 'model', id };
          await this.showModel(id);
        } else if (section === 'experiments' && id) {
          this.route = { page: 'experiment', id };
          this.experiment = await this.get('/experiments/' + id);
        } else if (section === 'searches' && id) {
          this.route = { page: 'search', id };
          this.search = await this.get('/searches/' + id);
          if (this.search.status === 'QUEUED' || this.search.status === 'RUNNING') {
            this.followSearch(id);
          }
        } else if (section === 'searches') {
          this.route = { page: 'searches', id: null };
          this.searches = await this.get('/searches');
        } else if (section === 'experiments') {
          this.route = { page: 'experiments', id: null };
          this.experiments = await this.get('/experiments');
        } else {
          this.route = { page: 'home', id: null };
          await this.refreshHome();
        }
      } catch (e) {
        this.error = e.message;
      }
      if (moveFocus) {
        document.getElementById('main')?.focus({ preventScroll: true });
      }
    },

    async refreshHome() {
      [this.datasets, this.models] = await Promise.all([this.get('/datasets'), this.get('/models')]);
      for (const m of this.models) {
        if (m.status === 'QUEUED' || m.status === 'RUNNING') {
          this.follow(m.id, (progress) => Object.assign(m, { status: progress.status, progress: progress.progress }),
            (done) => Object.assign(m, done));
        }
      }
    },

    async showModel(id) {
      this.model = await this.get('/models/' + id);
      this.curve = (this.model.lossCurve || []).map(p => [p.iteration, p.loss]);
      if (this.model.status === 'QUEUED' || this.model.status === 'RUNNING') {
        this.follow(id, (progress) => {
          this.model.status = progress.status;
          this.model.progress = progress.progress;
          if (progress.progress.loss != null) {
            this.curve.push([progress.progress.iteration, progress.progress.loss]);
          }
        }, (done) => {
          this.model = done;
          this.curve = (done.lossCurve || []).map(p => [p.iteration, p.loss]);
        });
      }
    },

    // Server-sent events: progress while it trains, the whole model when it is done.
    follow(id, onProgress, onDone) {
      const source = new EventSource('/models/' + id + '/events');
      source.addEventListener('progress', (e) => onProgress(JSON.parse(e.data)));
      source.addEventListener('model', (e) => { onDone(JSON.parse(e.data)); source.close(); delete this.streams[id]; });
      source.addEventListener('deleted', () => { source.close(); delete this.streams[id]; });
      this.streams[id] = source;
    },

    // A search's events: its rungs as they run, the whole search (leaderboard, model) when it is done.
    followSearch(id) {
      const source = new EventSource('/searches/' + id + '/events');
      source.addEventListener('progress', (e) => {
        const progress = JSON.parse(e.data);
        if (this.search && this.search.id === id) Object.assign(this.search, progress);
      });
      source.addEventListener('search', (e) => {
        if (this.search && this.search.id === id) this.search = JSON.parse(e.data);
        source.close(); delete this.streams[id];
      });
      source.addEventListener('deleted', () => { source.close(); delete this.streams[id]; });
      this.streams[id] = source;
    },

    // The test rows a form's select asks for: a stratified fraction, another dataset, or none.
    testRows(form, request) {
      const test = form.test.value;
      if (test.startsWith('fraction:')) request.testFraction = Number(test.slice('fraction:'.length));
      if (test.startsWith('dataset:')) request.testDatasetId = test.slice('dataset:'.length);
    },

    // POST /models with "network": "auto": answered 303 See Other, which fetch follows to the search.
    async findModel(form) {
      const request = { datasetId: this.dataset.id, name: form.name.value.trim() || undefined, network: 'auto' };
      this.testRows(form, request);
      this.busy = true;
      this.error = '';
      try {
        const search = await this.send('POST', '/models', JSON.stringify(request), 'application/json');
        location.hash = '#/searches/' + search.id;
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = false;
      }
    },

    async cancelSearch(id) {
      try {
        this.search = await this.send('POST', '/searches/' + id + '/cancel', '{}', 'application/json');
      } catch (e) {
        this.error = e.message;
      }
    },

    closeStreams() {
      Object.values(this.streams).forEach(s => s.close());
      this.streams = {};
    },

    async get(path) {
      const response = await fetch(path, { headers: { Accept: 'application/json' } });
      return this.answer(response);
    },

    async send(method, path, body, type) {
      const headers = { Accept: 'application/json' };
      if (type) headers['Content-Type'] = type;
      const response = await fetch(path, { method, headers, body });
      return this.answer(response);
    },

    // A problem+json answer becomes the error shown at the top of the page, naming the field, row or column.
    async answer(response) {
      const text = await response.text();
      const body = text ? JSON.parse(text) : null;
      if (!response.ok) {
        throw new Error((body && (body.detail || body.title)) || (response.status + ' ' + response.statusText));
      }
      return body;
    },

    drop(event) {
      this.dragging = false;
      const file = event.dataTransfer.files[0];
      if (file) {
        const input = document.getElementById('upload-file');
        const files = new DataTransfer();
        files.items.add(file);
        input.files = files.files;
        this.upload(document.getElementById('upload-form'));
      }
    },

    async upload(form) {
      const file = form.file.files[0];
      if (!file) { this.error = 'Choose a CSV file first.'; return; }
      const data = new FormData();
      data.append('file', file);
      if (form.name.value.trim()) data.append('name', form.name.value.trim());
      if (form.label.value.trim()) data.append('label', form.label.value.trim());
      this.busy = true;
      this.error = '';
      try {
        const dataset = await this.send('POST', '/datasets', data);
        location.hash = '#/datasets/' + dataset.id;
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = false;
      }
    },

    async train(form) {
      const hidden = form.hiddenLayers.value.split(',').map(s => s.trim()).filter(Boolean).map(Number);
      const request = {
        datasetId: this.dataset.id,
        name: form.name.value.trim() || undefined,
        network: {
          hiddenLayers: hidden,
          maxIterations: Number(form.maxIterations.value),
          learningRate: Number(form.learningRate.value),
          activation: form.activation.value,
          standardize: form.standardize.checked,
        },
      };
      this.testRows(form, request);
      this.busy = true;
      this.error = '';
      try {
        const model = await this.send('POST', '/models', JSON.stringify(request), 'application/json');
        location.hash = '#/models/' + model.id;
      } catch (e) {
        this.error = e.message;
      } finally {
        this.busy = false;
      }
    },

    async cancel(id) {
      try {
        this.model = await this.send('POST', '/models/' + id + '/cancel', '{}', 'application/json');
      } catch (e) {
        this.error = e.message;
      }
    },

    async predict(form) {
      const instance = {};
      // the form's own method: a feature named like a form property (querySelectorAll, submit) must not shadow it
      for (const input of Element.prototype.querySelectorAll.call(form, 'input[data-feature]')) {
        const text = input.value.trim();
        instance[input.dataset.feature] = text === '' ? null : (isFinite(Number(text)) ? Number(text) : text);
      }
      try {
        const answer = await this.send('POST', '/models/' + this.model.id + '/predict',
          JSON.stringify({ instances: [instance] }), 'application/json');
        this.prediction = JSON.stringify(answer.predictions[0], null, 2);
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },

    // ---- formatting ----
    when(instant) { return instant ? new Date(instant).toLocaleString() : ''; },
    fmt(v) {
      if (v == null) return '';
      if (typeof v !== 'number') return String(v);
      return Number.isInteger(v) ? String(v) : v.toPrecision(4);
    },
    // a task's metrics, as the API lists them (GET /training/options)
    taskOptions(task) { return (this.options && this.options.tasks.find(t => t.id === task)) || null; },
    headline(m) {
      const t = m.metrics && (m.metrics.test || m.metrics.train);
      const task = this.taskOptions(m.task);
      if (!t || !task) return '';
      // the task's metric an experiment ranks by, and accuracy beside it for a classifier
      const shown = [task.defaultMetric].concat(task.classification && task.defaultMetric !== 'accuracy' ? ['accuracy'] : []);
      return shown.filter(k => t[k] != null).map(k => k + ' ' + this.fmt(t[k])).join(', ');
    },
    metricNames() {
      const task = this.taskOptions(this.model.task);
      return ['rows'].concat(task ? task.metrics.map(m => m.id) : []);
    },
    columnSummary(c) {
      if (c.type === 'numeric') {
        return 'min ' + this.fmt(c.min) + ', max ' + this.fmt(c.max) + ', mean ' + this.fmt(c.mean);
      }
      return (c.topLevels || []).slice(0, 5).map(l => l.value + ' (' + l.count + ')').join(', ');
    },
    describeCandidate(c) {
      return '[' + c.hiddenLayers.join(', ') + '] ' + (c.activation || '') + ', ' + c.optimizer + ' lr '
        + this.fmt(c.learningRate) + ', batch ' + c.batchSize + ', L2 ' + this.fmt(c.l2);
    },
    summary(s) { return s ? this.fmt(s.mean) + (s.sd != null ? ' ± ' + this.fmt(s.sd) : '') + ' (n=' + s.n + ')' : ''; },

    // ---- the loss chart: an SVG polyline over the curve, scaled to its box ----
    maxLoss() { return Math.max(...this.curve.map(p => p[1])); },
    minLoss() { return Math.min(...this.curve.map(p => p[1])); },
    polyline() {
      if (this.curve.length === 0) return '';
      const last = Math.max(1, this.curve[this.curve.length - 1][0]);
      const hi = this.maxLoss();
      const lo = this.minLoss();
      const span = hi - lo || 1;
      return this.curve.map(([i, loss]) =>
        (40 + 550 * i / last).toFixed(1) + ',' + (10 + 170 * (hi - loss) / span).toFixed(1)).join(' ');
    },
  }));
});
