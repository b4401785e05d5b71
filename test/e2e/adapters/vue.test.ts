import { adapterSuite } from './suite';

adapterSuite('vue');
