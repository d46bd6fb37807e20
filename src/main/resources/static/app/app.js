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
    prediction: null,   // the predict form's answer: {label, probability | probabilities | value, contributions}
    predictError: '',
    trainError: '',
    experimentError: '',
    columns: {},        // the model's training dataset's columns by name (kinds, ranges), when it is still here
    roc: null,          // GET /models/{id}/roc
    thresholds: null,   // GET /models/{id}/thresholds, a binary model's
    residuals: null,    // GET /models/{id}/residuals, a regression's
    explanation: null,  // the model's latest explanation (importance, partial dependence)
    pdFeature: '',
    pdOutput: 0,
    viewport: window.innerWidth,
    loaded: false,      // the home page's lists have arrived (no "None yet." while they load)
    selected: [],       // model ids picked for comparison on the home page
    compared: [],       // the compare page's models, each with its ROC points
    runs: {},           // a search's or experiment's leaderboard row -> the model of that run
    sort: { key: null, descending: true },
    streams: {},        // model id -> EventSource, for the models shown

    start() {
      window.addEventListener('hashchange', () => this.navigate(true));
      // charts are drawn for the width they are shown at: again when it changes
      let pending = null;
      window.addEventListener('resize', () => {
        clearTimeout(pending);
        pending = setTimeout(() => { this.viewport = window.innerWidth; }, 150);
      });
      this.get('/training/options').then(options => { this.options = options; }).catch(e => { this.error = e.message; });
      this.navigate(false);
    },

    // moveFocus: after a navigation within the page, focus goes to the new content (as a page load would put it
    // at the top); on the first load it stays where the browser puts it, so the first Tab reaches the skip link
    async navigate(moveFocus) {
      this.closeStreams();
      // the shown page goes first (its templates torn down), then its data: nothing renders half a page
      this.route = { page: 'loading', id: null };
      await this.$nextTick();
      this.error = '';
      this.prediction = null;
      this.predictError = '';
      this.roc = null;
      this.thresholds = null;
      this.residuals = null;
      this.explanation = null;
      this.columns = {};
      this.compared = [];
      this.runs = {};
      this.sort = { key: null, descending: true };
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
          this.runsOf(id, (m) => {
            const match = /#(\d+) seed (-?\d+)( fold (\d+))?$/.exec(m.name);
            return match ? { key: Number(match[1]), rank: -Number(match[2]) - (match[4] ? Number(match[4]) / 1000 : 0) } : null;
          });
        } else if (section === 'compare' && id) {
          this.route = { page: 'compare', id };
          await this.showCompared(id.split(',').filter(Boolean).slice(0, 8));
        } else if (section === 'searches' && id) {
          this.route = { page: 'search', id };
          this.search = await this.get('/searches/' + id);
          this.runsOf(id, (m) => {
            const match = /#(\d+) rung (\d+)( fold (\d+))?$/.exec(m.name);
            return match && (!match[3] || match[4] === '0') ? { key: Number(match[1]), rank: Number(match[2]) } : null;
          });
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

    // The runs of a search or an experiment, so that its leaderboard's rows open a model: for each key (candidate,
    // configuration) the run of the highest rank (a search's last rung; an experiment's first seed and fold).
    async runsOf(id, keyOf) {
      try {
        const runs = await this.get('/models?experimentId=' + id + '&limit=1000');
        const best = {};
        for (const m of runs) {
          const k = keyOf(m);
          if (k && (!best[k.key] || best[k.key].rank < k.rank)) best[k.key] = { rank: k.rank, id: m.id };
        }
        this.runs = Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.id]));
      } catch (e) {
        this.runs = {};
      }
    },

    // Rows sorted by a column the user clicked (again: the other way); numbers by value, others by text.
    sorted(rows, valueOf) {
      if (!this.sort.key) return rows;
      const sign = this.sort.descending ? -1 : 1;
      return [...rows].sort((a, b) => {
        const x = valueOf(a, this.sort.key);
        const y = valueOf(b, this.sort.key);
        if (x == null) return 1;
        if (y == null) return -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sign;
      });
    },
    sortBy(key) {
      this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : true };
    },
    sortState(key) {
      return this.sort.key !== key ? 'none' : this.sort.descending ? 'descending' : 'ascending';
    },

    // Models side by side: their specs, metrics, loss curves and ROC curves.
    async showCompared(ids) {
      const models = await Promise.all(ids.map(id => this.get('/models/' + id)));
      for (const m of models) {
        m.rocPoints = m.status === 'SUCCEEDED' && m.task !== 'regression'
          ? await this.get('/models/' + m.id + '/roc').catch(() => null) : null;
      }
      this.compared = models;
    },
    compareRows() {
      const ms = this.compared;
      const opt = n => n.optimizer.type + (n.optimizer.momentum != null ? ' momentum ' + n.optimizer.momentum : '');
      const rows = [
        ['task', m => m.task], ['dataset', m => m.datasetId.slice(0, 8)], ['hidden layers', m => JSON.stringify(m.network.hiddenLayers)],
        ['activation', m => m.network.activation.join(', ')], ['optimizer', m => opt(m.network)],
        ['learning rate', m => this.fmt(m.network.learningRate)], ['batch size', m => m.network.batchSize || 'full'],
        ['L2', m => this.fmt(m.network.l2)], ['epochs', m => m.training ? m.training.epochs + ' of ' + m.network.maxIterations : m.network.maxIterations],
        ['early stopping', m => m.network.earlyStopping ? 'patience ' + m.network.earlyStopping.patience : 'no'],
        ['calibration', m => m.network.calibration || 'none'], ['threshold', m => m.threshold == null ? '' : this.fmt(m.threshold)],
        ['seed', m => m.network.seed], ['precision', m => m.network.precision],
      ];
      return rows.map(([name, f]) => ({ name, values: ms.map(m => String(f(m))) }))
        .map(r => ({ ...r, differs: new Set(r.values).size > 1 }));
    },
    compareMetrics() {
      const task = this.compared[0] && this.taskOptions(this.compared[0].task);
      const names = task ? task.metrics.map(m => m.id) : [];
      return names.map(k => ({ name: k, values: this.compared.map(m => {
        const t = m.metrics && (m.metrics.test || m.metrics.validation || m.metrics.train);
        return t ? this.fmtMetric(k, t[k]) : '';
      }) }));
    },
    compareRowsOf(m) { return m.metrics ? (m.metrics.test ? 'test' : m.metrics.validation ? 'validation' : 'train') : ''; },
    compareLoss() {
      return netforgeCharts.line({ series: this.compared.map(m => ({ label: this.label(m),
        points: (m.lossCurve || []).map(p => [p.iteration, p.loss]) })), xTitle: 'epoch', yTitle: 'training loss',
        title: 'training loss by epoch' }, this.chartWidth());
    },
    compareRoc() {
      const series = this.compared.filter(m => m.rocPoints && m.rocPoints.curves.length).map(m => {
        const c = m.rocPoints.curves[m.rocPoints.curves.length - 1];
        return { label: this.label(m) + (m.rocPoints.curves.length > 1 ? ' (' + c.positiveClass + ' vs rest)' : '')
          + ', AUC ' + c.auc.toFixed(4), points: c.points.map(p => [p.falsePositiveRate, p.truePositiveRate]) };
      });
      return netforgeCharts.line({ series, xTitle: 'false positive rate', yTitle: 'true positive rate', xDomain: [0, 1],
        yDomain: [0, 1.02], diagonal: true, diagonalLabel: 'chance', title: 'ROC curves' }, this.chartWidth());
    },
    label(m) { return m.name + (m.version ? ' v' + m.version : ''); },
    toggle(id) {
      this.selected = this.selected.includes(id) ? this.selected.filter(x => x !== id) : this.selected.concat([id]);
    },

    async refreshHome() {
      [this.datasets, this.models] = await Promise.all([this.get('/datasets'), this.get('/models')]);
      this.loaded = true;
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
        // a page opened while it trains starts its curve at the first epoch's loss
        const start = (progress) => {
          if (this.curve.length === 0 && progress.firstLoss != null) this.curve.push([1, progress.firstLoss]);
        };
        start(this.model.progress);
        if (this.model.progress.loss != null && this.model.progress.iteration > 1) {
          this.curve.push([this.model.progress.iteration, this.model.progress.loss]);
        }
        this.follow(id, (progress) => {
          this.model.status = progress.status;
          this.model.progress = progress.progress;
          start(progress.progress);
          if (progress.progress.loss != null && progress.progress.iteration > 1) {
            this.curve.push([progress.progress.iteration, progress.progress.loss]);
          }
        }, (done) => {
          this.model = done;
          // a cancelled or failed run keeps no curve: the one drawn while it trained stays
          if ((done.lossCurve || []).length) this.curve = done.lossCurve.map(p => [p.iteration, p.loss]);
          this.loadFitted(done);
        });
      } else {
        this.loadFitted(this.model);
      }
    },

    // what a finished model's page draws besides the model itself: its ROC points, a binary model's thresholds,
    // its training dataset's columns (the predict form's kinds and ranges)
    async loadFitted(model) {
      if (model.status !== 'SUCCEEDED') return;
      const classifier = model.task !== 'regression';
      const [roc, thresholds, residuals, dataset, explanations] = await Promise.all([
        classifier ? this.get('/models/' + model.id + '/roc').catch(() => null) : null,
        model.task === 'binary' ? this.get('/models/' + model.id + '/thresholds').catch(() => null) : null,
        classifier ? null : this.get('/models/' + model.id + '/residuals').catch(() => null),
        this.get('/datasets/' + model.datasetId).catch(() => null),
        this.get('/models/' + model.id + '/explanations').catch(() => []),
      ]);
      if (!this.model || this.model.id !== model.id) return;
      this.roc = roc;
      this.thresholds = thresholds;
      this.residuals = residuals;
      const done = (explanations || []).filter(e => e.status === 'SUCCEEDED');
      if (done.length) this.showExplanation(done[0]);
      this.columns = Object.fromEntries(((dataset && dataset.columns) || []).map(c => [c.name, c]));
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
        const error = new Error((body && (body.detail || body.title)) || (response.status + ' ' + response.statusText));
        error.field = body && body.field;
        throw error;
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

    // Every option of POST /models from the form; what is left empty gets the API's default. The API's own
    // refusal is shown beside the field it names.
    async train(form) {
      const v = name => form.elements[name] ? form.elements[name].value.trim() : '';
      const number = name => v(name) === '' ? undefined : Number(v(name));
      const list = name => v(name).split(',').map(x => x.trim()).filter(Boolean);
      const activation = list('activation');
      const optimizer = { type: v('optimizer') };
      if (optimizer.type === 'momentum' || optimizer.type === 'nesterov') optimizer.momentum = number('momentum');
      if (optimizer.type === 'adam') Object.assign(optimizer, { beta1: number('beta1'), beta2: number('beta2') });
      const network = {
        hiddenLayers: list('hiddenLayers').map(Number),
        activation: activation.length > 1 ? activation : activation[0],
        initialization: v('initialization') || undefined,
        optimizer,
        learningRate: number('learningRate'),
        maxIterations: number('maxIterations'),
        batchSize: number('batchSize'),
        l2: number('l2'),
        seed: number('seed'),
        precision: v('precision') || undefined,
        standardize: form.elements.standardize.checked,
        classWeights: v('classWeights') || undefined,
      };
      if (form.elements.earlyStopping.checked) {
        network.earlyStopping = { validationFraction: number('validationFraction'), patience: number('patience') };
      }
      if (this.dataset.task !== 'regression') {
        if (v('calibration')) network.calibration = { method: v('calibration') };
        const rule = v('thresholdRule');
        if (rule) {
          network.thresholdRule = { by: rule };
          if (rule === 'precisionAtLeast' || rule === 'recallAtLeast') network.thresholdRule.value = number('ruleValue');
          if (rule === 'cost') network.thresholdRule.costs = { falsePositive: number('costFalsePositive'),
            falseNegative: number('costFalseNegative') };
        } else if (v('threshold') !== '') {
          network.threshold = number('threshold');
        }
      }
      const imputation = v('imputation');
      const request = {
        datasetId: this.dataset.id,
        name: v('name') || undefined,
        label: v('label') || undefined,
        task: v('task') || undefined,
        ignore: list('ignore').length ? list('ignore') : undefined,
        heldOutDatasetId: this.dataset.task !== 'regression' && v('heldOut') ? v('heldOut') : undefined,
        preprocessing: {
          imputation: imputation === '' ? undefined : isFinite(Number(imputation)) ? Number(imputation) : imputation,
          missingIndicators: form.elements.missingIndicators.checked,
          unknownCategory: v('unknownCategory') || undefined,
        },
        network,
      };
      this.testRows(form, request);
      this.busy = true;
      this.clearFieldErrors(form);
      try {
        const model = await this.send('POST', '/models', JSON.stringify(request), 'application/json');
        location.hash = '#/models/' + model.id;
      } catch (e) {
        this.showFieldError(form, e);
      } finally {
        this.busy = false;
      }
    },

    // The API names the field it refuses (network.learningRate, network.earlyStopping.patience, ...): the message
    // goes beside the control of that field (or of the nearest enclosing one), else under the form.
    showFieldError(form, e, fallback = 'trainError') {
      let field = e.field || '';
      let control = null;
      while (field && !(control = form.querySelector('[data-field="' + CSS.escape(field) + '"]'))) {
        field = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : field.replace(/\[\d+\]$/, '');
        if (field === e.field) break;
      }
      if (!control) {
        this[fallback] = e.message;
        return;
      }
      control.setAttribute('aria-invalid', 'true');
      const note = document.createElement('small');
      note.className = 'field-error';
      note.id = control.id + '-error';
      note.textContent = e.message;
      control.setAttribute('aria-describedby', ((control.getAttribute('aria-describedby') || '') + ' ' + note.id).trim());
      control.closest('.field').appendChild(note);
      control.focus();
    },
    clearFieldErrors(form) {
      this.trainError = '';
      form.querySelectorAll('.field-error').forEach(n => {
        const control = form.querySelector('#' + CSS.escape(n.id.replace(/-error$/, '')));
        if (control) {
          control.removeAttribute('aria-invalid');
          control.setAttribute('aria-describedby', (control.getAttribute('aria-describedby') || '').replace(n.id, '').trim());
        }
        n.remove();
      });
    },

    // POST /experiments: a grid of hidden layers and seeds over this dataset; refusals beside their field.
    async runExperiment(form) {
      const v = name => form.elements[name].value.trim();
      const hidden = v('hiddenLayers').split(';').map(n => n.split(',').map(x => x.trim()).filter(Boolean).map(Number));
      const request = { datasetId: this.dataset.id, network: { maxIterations: v('maxIterations') === '' ? undefined : Number(v('maxIterations')) } };
      const folds = Number(v('folds') || 0);
      if (!folds) this.testRows(form, request);
      const body = {
        name: v('name') || undefined, request, metric: v('metric') || undefined, folds: folds || undefined,
        grid: { hiddenLayers: hidden, seed: v('seeds').split(',').map(x => x.trim()).filter(Boolean).map(Number) },
      };
      this.busy = true;
      this.clearFieldErrors(form);
      this.experimentError = '';
      try {
        const experiment = await this.send('POST', '/experiments', JSON.stringify(body), 'application/json');
        location.hash = '#/experiments/' + experiment.id;
      } catch (e) {
        this.showFieldError(form, e, 'experimentError');
      } finally {
        this.busy = false;
      }
    },
    // the models of the first three rows of a leaderboard (in its ranking) that have a run to open
    bestRuns(keys) { return keys.map(k => this.runs[k]).filter(Boolean).slice(0, 3); },
    describeSettings(settings) {
      return Object.entries(settings).map(([k, v]) => k + ' ' + (Array.isArray(v) ? '[' + v.join(', ') + ']'
        : typeof v === 'object' && v ? JSON.stringify(v) : v)).join(', ');
    },

    async cancel(id) {
      try {
        this.model = await this.send('POST', '/models/' + id + '/cancel', '{}', 'application/json');
      } catch (e) {
        this.error = e.message;
      }
    },

    // The predict form, feature by feature: its kind decides the control (a number with its training range, a date
    // picker, a level among those seen in training with free text still allowed, yes/no).
    featureKind(f) {
      const column = this.columns[f];
      if (column) return column.type;
      const inputs = (this.model && this.model.inputs) || [];
      if (inputs.some(i => i.startsWith(f + '='))) return 'categorical';
      if (inputs.includes(f + '.weekday')) return 'datetime';
      return 'numeric';
    },
    levels(f) {
      return ((this.model && this.model.inputs) || []).filter(i => i.startsWith(f + '=') && i !== f + '=<missing>')
        .map(i => i.slice(f.length + 1));
    },
    range(f) {
      const c = this.columns[f];
      if (!c) return '';
      if (c.type === 'numeric' && c.min != null) return 'training range ' + this.fmt(c.min) + ' to ' + this.fmt(c.max);
      if (c.type === 'datetime' && c.earliest) return 'training dates ' + c.earliest.slice(0, 10) + ' to ' + c.latest.slice(0, 10);
      return '';
    },
    unseen(f, value) {
      return value !== '' && this.featureKind(f) === 'categorical' && !this.levels(f).includes(value);
    },

    async predict(form) {
      const instance = {};
      // the form's own method: a feature named like a form property (querySelectorAll, submit) must not shadow it
      for (const input of Element.prototype.querySelectorAll.call(form, '[data-feature]')) {
        const f = input.dataset.feature;
        const text = input.value.trim();
        const kind = this.featureKind(f);
        instance[f] = text === '' ? null : kind === 'numeric' && isFinite(Number(text)) ? Number(text)
          : kind === 'boolean' ? text === 'true' : text;
      }
      this.predictError = '';
      const body = JSON.stringify({ instances: [instance] });
      try {
        let answer;
        try {
          answer = await this.send('POST', '/models/' + this.model.id + '/predict?explain=true', body, 'application/json');
        } catch (err) {
          // the model's training dataset (the contributions' background) was deleted: the answer without them
          if (err.field !== 'backgroundDatasetId') throw err;
          answer = await this.send('POST', '/models/' + this.model.id + '/predict', body, 'application/json');
        }
        const p = answer.predictions[0];
        if (!answer.explanation) {
          this.prediction = { raw: JSON.stringify(p), label: p.label, probability: p.probability,
            probabilities: p.probabilities, value: p.value, threshold: answer.threshold, contributions: [] };
          return;
        }
        const e = answer.explanation.explanations[0];
        const outputs = answer.explanation.outputs;
        // the contributions to the predicted class's probability (or the probability, or the value)
        const shown = outputs.length > 1 ? Math.max(0, outputs.indexOf(String(p.label))) : 0;
        this.prediction = {
          raw: JSON.stringify(p), label: p.label, probability: p.probability, probabilities: p.probabilities,
          value: p.value, threshold: answer.threshold, output: outputs[shown], expected: e.expectedValue[shown],
          contributions: Object.entries(e.contributions).map(([name, v]) => ({ label: name, value: v[shown] }))
            .sort((a, b) => Math.abs(b.value) - Math.abs(a.value)),
        };
      } catch (err) {
        this.prediction = null;
        this.predictError = err.message;
      }
    },

    // Explain the model as a job (importance and partial dependence on its test rows), followed until it is done.
    async explain() {
      const id = this.model.id;
      try {
        let view = await this.send('POST', '/models/' + id + '/explanations', '{}', 'application/json');
        this.explanation = view;
        while (view.status === 'QUEUED' || view.status === 'RUNNING') {
          await new Promise(resolve => setTimeout(resolve, 500));
          if (!this.model || this.model.id !== id) return;
          view = await this.get('/models/' + id + '/explanations/' + view.id);
          this.explanation = view;
        }
        if (view.status === 'SUCCEEDED') this.showExplanation(view);
        else this.error = 'The explanation ' + view.status + (view.error ? ': ' + view.error : '');
      } catch (e) {
        this.error = e.message;
      }
    },
    showExplanation(view) {
      this.explanation = view;
      const features = Object.keys(view.result.partialDependence);
      this.pdFeature = view.result.importance.ranking.find(f => features.includes(f)) || features[0] || '';
      this.pdOutput = view.result.outputs.length - 1;
    },
    importanceChart() {
      const r = this.explanation.result.importance;
      const byName = Object.fromEntries(r.features.map(f => [f.name, f]));
      return netforgeCharts.bars({ bars: r.ranking.slice(0, 15).map(n => ({ label: n, value: byName[n].mean, error: byName[n].sd })),
        xTitle: 'drop of ' + r.score + ' when the feature is permuted (mean ± sd)', title: 'permutation importance' },
      this.chartWidth());
    },
    dependenceChart() {
      const d = this.explanation.result.partialDependence[this.pdFeature];
      if (!d) return '';
      const o = Math.min(this.pdOutput, d.average.length - 1);
      const output = this.explanation.result.outputs[o];
      const yTitle = output === 'value' ? 'predicted value' : output === 'probability' ? 'probability' : 'P(' + output + ')';
      if (d.kind === 'categorical') {
        return netforgeCharts.bars({ bars: d.grid.map((level, g) => ({ label: level, value: d.average[o][g] })),
          xTitle: 'average ' + yTitle, title: 'partial dependence of ' + this.pdFeature }, this.chartWidth());
      }
      const series = (d.ice[o] || []).slice(0, 20).map((row, r) => ({ label: 'row ' + r, unlisted: true, thin: true,
        color: '#9aa6b8', points: d.grid.map((x, g) => [Number(x), row[g]]) }));
      series.push({ label: 'average (partial dependence)', color: '#d62728', points: d.grid.map((x, g) => [Number(x), d.average[o][g]]) });
      series.push({ label: 'one row each (ICE, 20 shown)', color: '#9aa6b8', points: [], unlisted: false });
      return netforgeCharts.line({ series, xTitle: this.pdFeature, yTitle, title: 'partial dependence of ' + this.pdFeature },
        this.chartWidth());
    },
    residualCharts() {
      const r = this.residuals;
      const values = r.points.flatMap(p => [p.actual, p.predicted]);
      const both = [Math.min(...values), Math.max(...values)];
      const fitted = netforgeCharts.line({ series: [{ label: 'rows', points: r.points.map(p => [p.actual, p.predicted]),
        dots: true, onlyDots: true }], xTitle: 'actual', yTitle: 'predicted', diagonal: true, diagonalLabel: 'predicted = actual',
        xDomain: both, yDomain: both,
        title: 'predicted against actual' }, this.chartWidth());
      const spread = netforgeCharts.line({ series: [{ label: 'rows', points: r.points.map(p => [p.predicted, p.predicted - p.actual]),
        dots: true, onlyDots: true }, { label: 'zero', color: '#888', dashed: true,
        points: [[Math.min(...r.points.map(p => p.predicted)), 0], [Math.max(...r.points.map(p => p.predicted)), 0]] }],
        xTitle: 'predicted', yTitle: 'residual (predicted - actual)', title: 'residuals' }, this.chartWidth());
      return fitted + spread;
    },

    async reproduce() {
      try {
        const copy = await this.send('POST', '/models/' + this.model.id + '/reproduce', '{}', 'application/json');
        location.hash = '#/models/' + copy.id;
      } catch (e) {
        this.error = e.message;
      }
    },

    async remove() {
      if (!confirm('Delete model ' + this.model.name + '? Its weights and metrics go with it.')) return;
      try {
        await this.send('DELETE', '/models/' + this.model.id);
        location.hash = '#/';
      } catch (e) {
        this.error = e.message;
      }
    },

    async alias(form) {
      const name = form.alias.value.trim();
      if (!name) return;
      try {
        const updated = await this.send('PUT', '/models/' + this.model.id + '/aliases/' + encodeURIComponent(name));
        this.model.aliases = updated.aliases;
        form.alias.value = '';
        this.error = '';
      } catch (e) {
        this.error = e.message;
      }
    },

    // ---- formatting ----
    when(instant) { return instant ? new Date(instant).toLocaleString() : ''; },
    // a number as people read it: integers with separators, others to 4 significant digits, never 1.833e+4 beside
    // 0.7400; an exponent only for the very large or small
    fmt(v) {
      if (v == null) return '';
      if (typeof v !== 'number') return String(v);
      if (!isFinite(v)) return String(v);
      if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en');
      const a = Math.abs(v);
      if (a >= 1e9 || (a > 0 && a < 1e-4)) return v.toExponential(3).replace('e+', ' × 10^').replace('e-', ' × 10^-');
      return Number(v.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 6 });
    },
    // a metric by its kind: shares and scores to 4 decimals (accuracy 1.0000, not 1), counts as integers
    fmtMetric(name, v) {
      if (v == null) return '';
      if (typeof v !== 'number') return String(v);
      if (name === 'rows' || name === 'support') return this.fmt(v);
      if (['accuracy', 'auc', 'prAuc', 'precision', 'recall', 'f1', 'r2', 'macroF1', 'weightedF1', 'logLoss']
        .includes(name)) return v.toFixed(4);
      return this.fmt(v);
    },

    // ---- charts, drawn for the width of the page ----
    chartWidth() {
      void this.viewport; // redrawn when the window's width changes
      const main = document.getElementById('main');
      return Math.min(760, (main ? main.clientWidth : 640) - 34);
    },
    lossChart() {
      const series = [{ label: 'training', points: this.curve }];
      const validation = ((this.model && this.model.validationLossCurve) || []).map(p => [p.iteration, p.loss]);
      if (validation.length) series.push({ label: 'validation', points: validation, dashed: true });
      return netforgeCharts.line({ series, xTitle: 'epoch', yTitle: 'loss', title: 'loss by epoch',
        empty: 'No loss yet: it is drawn as the model trains.' }, this.chartWidth());
    },
    rocChart() {
      const curves = (this.roc.curves || []).slice(0, 8);
      return netforgeCharts.line({
        series: curves.map(c => ({ label: (curves.length > 1 ? c.positiveClass + ' vs rest' : 'ROC') + ' (AUC '
          + c.auc.toFixed(4) + ')', points: c.points.map(p => [p.falsePositiveRate, p.truePositiveRate]) })),
        xTitle: 'false positive rate', yTitle: 'true positive rate', xDomain: [0, 1], yDomain: [0, 1.02],
        diagonal: true, diagonalLabel: 'chance', title: 'ROC curve on the ' + this.roc.rows + ' rows',
      }, this.chartWidth());
    },
    calibrationChart() {
      const c = this.model.calibration;
      const bins = r => r.reliability.map(b => [b.predicted, b.observed]);
      return netforgeCharts.line({
        series: [{ label: 'before (Brier ' + c.before.brier.toFixed(4) + ', ECE ' + c.before.ece.toFixed(4) + ')',
          points: bins(c.before), dots: true },
        { label: c.fitted.method + ' (Brier ' + c.after.brier.toFixed(4) + ', ECE ' + c.after.ece.toFixed(4) + ')',
          points: bins(c.after), dots: true }],
        xTitle: this.model.task === 'binary' ? 'mean predicted probability' : 'mean top-class probability',
        yTitle: this.model.task === 'binary' ? 'fraction positive' : 'fraction right', xDomain: [0, 1], yDomain: [0, 1.02],
        diagonal: true, diagonalLabel: 'perfectly calibrated', title: 'reliability diagram',
      }, this.chartWidth());
    },
    thresholdChart() {
      const t = this.thresholds;
      const pick = k => t.curve.map(p => [p.threshold, p[k]]);
      const marks = [{ x: t.threshold, label: 'model ' + t.threshold.toFixed(3) }];
      if (t.maxF1.threshold !== t.threshold) marks.push({ x: t.maxF1.threshold, label: 'max F1 ' + t.maxF1.threshold.toFixed(3) });
      return netforgeCharts.line({
        series: [{ label: 'precision', points: pick('precision') }, { label: 'recall', points: pick('recall') },
          { label: 'F1', points: pick('f1') }],
        xTitle: 'threshold (probability)', yTitle: 'precision, recall, F1', xDomain: [0, 1], yDomain: [0, 1.02], marks,
        title: 'precision, recall and F1 against the threshold',
      }, this.chartWidth());
    },
    contributionChart() {
      const p = this.prediction;
      return netforgeCharts.bars({ bars: p.contributions.slice(0, 12),
        xTitle: 'contribution to ' + (p.output === 'value' ? 'the value' : p.output === 'probability'
          ? 'the probability' : 'P(' + p.output + ')'), title: 'each feature\'s contribution' }, this.chartWidth());
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
  }));
});
