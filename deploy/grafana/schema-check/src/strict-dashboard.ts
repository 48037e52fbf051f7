// The strict shape every generated SuperVM dashboard must have, built from
// Grafana's published schema (@grafana/schema, pinned in package.json):
//
// - the dashboard is `Dashboard` from @grafana/schema, with `schemaVersion`
//   pinned to the current one (`defaultDashboard.schemaVersion` of the pinned
//   release) and `templating.list` made of `VariableModel`s;
// - each panel is typed by its own panel kind: a `stat` panel's `options` are the
//   stat panel's `Options`, a `timeseries` panel's `options` and
//   `fieldConfig.defaults.custom` are the timeseries panel's `Options` and
//   `FieldConfig` (the raw/composable panelcfg types), so a missing required
//   option fails the check;
// - `fieldConfig` (with its required `overrides`) is required on every panel;
// - every query target is a Prometheus query;
// - a `row` panel (a row header) is the schema's own `RowPanel`: no queries,
//   options or field config.
//
// The check is an object literal assigned to these types (see
// write-checks.mjs), so TypeScript's excess-property check also rejects any
// field the schema does not know.

import type {
  DataQuery,
  DataSourceRef,
  Dashboard,
  FieldConfig,
  FieldConfigSource,
  Panel,
  RowPanel,
  VariableModel,
} from '@grafana/schema';
import type * as stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';

/**
 * The JSON form of a schema type: every string enum becomes the union of its
 * string values (JSON holds `"value"`, never `BigValueColorMode.Value`), and
 * numeric enums accept their numbers. Everything else is kept as is,
 * recursively, so required fields stay required and unknown fields stay unknown.
 */
export type Json<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Json<U>>
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

/** The dashboard schema version of the pinned @grafana/schema (`defaultDashboard.schemaVersion`). */
export type CurrentSchemaVersion = 42;

/**
 * A Prometheus query target. The Prometheus data-query type ships with the
 * Prometheus plugin, not with @grafana/schema; these are its fields that the
 * generator sets, on top of the schema's common `DataQuery`.
 */
export interface PrometheusQuery extends DataQuery {
  datasource: DataSourceRef;
  expr: string;
  legendFormat?: string;
  editorMode?: 'code' | 'builder';
  range?: boolean;
  instant?: boolean;
}

/**
 * The schema's `FieldConfigSource` (`defaults` and the required `overrides`),
 * with `defaults.custom` exactly the panel kind's own field config (the schema
 * itself lets `custom` carry any extra key).
 */
type FieldConfigOf<Custom> = Omit<FieldConfigSource, 'defaults'> & {
  defaults: Omit<FieldConfig, 'custom'> & { custom?: Custom };
};

/** What every panel kind shares: the schema's `Panel` with `fieldConfig` required. */
type PanelOf<Kind extends string, Options, Custom> = Omit<
  Panel,
  'type' | 'options' | 'fieldConfig' | 'targets'
> & {
  type: Kind;
  datasource: DataSourceRef;
  targets: PrometheusQuery[];
  options: Options;
  fieldConfig: FieldConfigOf<Custom>;
};

/** A stat panel: the stat panel's own `Options`; no custom field config. */
export type StatPanel = PanelOf<'stat', stat.Options, never>;

/** A timeseries panel: the timeseries panel's own `Options` and `FieldConfig`. */
export type TimeseriesPanel = PanelOf<'timeseries', timeseries.Options, timeseries.FieldConfig>;

/** Every panel kind the generator may emit. */
export type SupervmPanel = StatPanel | TimeseriesPanel | RowPanel;

/** A generated dashboard, as committed under deploy/grafana/dashboards/. */
export type StrictDashboard = Json<
  Omit<Dashboard, 'schemaVersion' | 'panels' | 'templating'> & {
    schemaVersion: CurrentSchemaVersion;
    panels: SupervmPanel[];
    templating: { list: VariableModel[] };
  }
>;
